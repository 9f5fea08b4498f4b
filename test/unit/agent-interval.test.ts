import { describe, expect, it } from "vitest";
import { AgentError } from "../../modules/defender/errors";
import { MIN_INTERVAL_SECONDS } from "../../modules/defender/config";
import { DefenderAgent } from "../../modules/defender/agent";
import { Sampler } from "../../modules/sampler/sampler";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { FakeDriver, FakeMqtt, MemoryStore } from "../helpers/agent-fakes";
import { rig } from "../helpers/agent-setup";

describe("agent schedule", () => {
	it("reports every 300 s by default, the first one interval after start", () => {
		const r = rig();
		expect(r.agent.settings).toMatchObject({ intervalMs: 300_000, replyTimeoutMs: 30_000, pollMs: 10_000, format: "json", maxListSize: 50 });
		expect(rig({ format: undefined }).agent.settings.format).toBe("json-short");
		r.agent.start();
		r.agent.start();
		r.clock.advance(299_999);
		expect(r.reports()).toHaveLength(0);
		r.clock.advance(1);
		expect(r.reports()).toHaveLength(1);
		r.clock.advance(600_000);
		expect(r.reports()).toHaveLength(3);
		expect(r.mqtt.published.every((p) => p.qos === 1 && p.topic === "$aws/things/T1/defender/metrics/json")).toBe(true);
	});

	it("refuses an interval below 300 s unless allowShortInterval is set", () => {
		expect(MIN_INTERVAL_SECONDS).toBe(300);
		expect(() => rig({ intervalSeconds: 299 })).toThrow(AgentError);
		expect(() => rig({ intervalSeconds: 60 })).toThrow(/IntervalTooShort.*allowShortInterval/);
		expect(() => rig({ intervalSeconds: 60, allowShortInterval: false })).toThrow(/IntervalTooShort/);
		const r = rig({ intervalSeconds: 60, allowShortInterval: true, replyTimeoutSeconds: 5 });
		r.agent.start();
		r.clock.advance(120_000);
		expect(r.reports()).toHaveLength(2);
	});

	it("refuses bad options with named errors", () => {
		const codes = (f: () => unknown) => {
			try {
				f();
			} catch (e) {
				return (e as AgentError).code;
			}
			return "none";
		};
		expect(codes(() => rig({ intervalSeconds: Number.NaN }))).toBe("BadOption");
		expect(codes(() => rig({ intervalSeconds: -300 }))).toBe("BadOption");
		expect(codes(() => rig({ replyTimeoutSeconds: 300 }))).toBe("BadOption");
		expect(codes(() => rig({ pollSeconds: 0 }))).toBe("BadOption");
		expect(codes(() => rig({ maxListSize: 0 }))).toBe("BadOption");
		expect(codes(() => rig({ thingName: "a/b" }))).toBe("BadThingName");
		expect(codes(() => rig({ format: "xml" as never }))).toBe("BadFormat");
	});

	it("polls the sampler on its period and right before each report", () => {
		const r = rig({ pollSeconds: 7 });
		r.agent.start();
		r.driver.traffic(10, 20);
		r.clock.advance(7_000);
		expect(r.sampler.size).toBe(1);
		r.clock.advance(7_000 * 41);
		expect(r.sampler.size).toBe(32);
		r.clock.advance(299_999 - 7_000 * 42);
		r.driver.traffic(1, 2);
		r.clock.advance(1);
		expect(r.last()).toMatchObject({ bytesIn: 11, bytesOut: 22, packetsIn: 2, packetsOut: 2 });
	});

	it("a failed sampler poll is logged and counted and the schedule goes on", () => {
		const r = rig();
		r.agent.start();
		r.driver.counters[1] = -1;
		r.clock.advance(10_000);
		expect(r.agent.status.pollFailures).toBe(1);
		expect(r.logs.join()).toMatch(/sampler poll failed: BadCounterValue/);
		r.driver.counters[1] = 5;
		r.clock.advance(290_000);
		expect(r.last().bytesOut).toBe(5);
	});

	it("runs without a log function", () => {
		const driver = new FakeDriver();
		const mqtt = new FakeMqtt();
		const clock = new VirtualClock();
		const agent = new DefenderAgent({ mqtt, driver, clock, sampler: new Sampler({ driver }), store: new MemoryStore() }, { thingName: "T9" });
		mqtt.connected = false;
		agent.start();
		clock.advance(300_000);
		expect(agent.status.skippedOffline).toBe(1);
	});

	it("reportNow sends at once without moving the schedule", () => {
		const r = rig();
		r.agent.start();
		r.clock.advance(1000);
		r.agent.reportNow();
		expect(r.reports()).toHaveLength(1);
		r.clock.advance(299_000);
		expect(r.reports()).toHaveLength(2);
	});

	it("stop clears every timer", () => {
		const r = rig();
		r.agent.start();
		r.agent.onConnected();
		r.clock.advance(300_000);
		r.agent.stop();
		expect(r.clock.pending).toBe(0);
		r.clock.advance(3_000_000);
		expect(r.reports()).toHaveLength(1);
	});
});
