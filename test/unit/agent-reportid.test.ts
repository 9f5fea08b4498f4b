import { describe, expect, it } from "vitest";
import { REPORT_ID_KEY } from "../../modules/defender/reportid";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { MemoryStore } from "../helpers/agent-fakes";
import { rig } from "../helpers/agent-setup";

const T0 = Date.UTC(2026, 0, 1);

describe("report ids", () => {
	it("are the wall clock in ms when it moves forward", () => {
		const r = rig();
		r.agent.start();
		r.clock.advance(600_000);
		expect(r.reports().map((d) => d.id)).toEqual([T0 + 300_000, T0 + 600_000]);
		expect(r.agent.status.lastReportId).toBe(T0 + 600_000);
	});

	it("stay strictly increasing when the clock is stepped back or unset", () => {
		const r = rig();
		r.agent.start();
		r.clock.advance(300_000);
		r.clock.setWall(T0 - 86_400_000);
		r.clock.advance(300_000);
		r.clock.setWall(0);
		r.clock.advance(300_000);
		const ids = r.reports().map((d) => d.id);
		expect(ids).toEqual([T0 + 300_000, T0 + 300_001, T0 + 300_002]);
	});

	it("persist across reboots: a rebooted device with an unset clock continues after the last id", () => {
		const store = new MemoryStore();
		const first = rig({}, { store });
		first.agent.start();
		first.clock.advance(900_000);
		const before = first.reports().map((d) => d.id);
		first.agent.stop();
		const second = rig({}, { store, clock: new VirtualClock(0) });
		second.agent.start();
		second.clock.advance(600_000);
		const after = second.reports().map((d) => d.id);
		expect(after).toEqual([before[2] + 1, before[2] + 2]);
		expect(store.get(REPORT_ID_KEY)).toBe(String(before[2] + 2));
	});

	it("write the store exactly once per published report, before publishing", () => {
		const r = rig();
		let storedAtPublish: unknown;
		const publish = r.mqtt.publish.bind(r.mqtt);
		r.mqtt.publish = (topic, payload, qos) => {
			storedAtPublish = r.store.get(REPORT_ID_KEY);
			return publish(topic, payload, qos);
		};
		r.agent.start();
		r.clock.advance(300_000 * 5);
		expect(r.store.writes).toBe(5);
		expect(storedAtPublish).toBe(String(r.last().id));
		r.mqtt.connected = false;
		r.clock.advance(300_000 * 3);
		expect(r.store.writes).toBe(5);
	});

	it("accept a number stored by an older firmware and ignore a garbled value with a log line", () => {
		const store = new MemoryStore();
		store.data.set(REPORT_ID_KEY, T0 + 10_000_000);
		const r = rig({}, { store });
		r.agent.start();
		r.clock.advance(300_000);
		expect(r.last().id).toBe(T0 + 10_000_001);
		for (const bad of ["12x", true, -5, "99999999999999999"]) {
			const s = new MemoryStore();
			s.data.set(REPORT_ID_KEY, bad);
			const g = rig({}, { store: s });
			expect(g.logs.join()).toMatch(/is not an id \(an integer 0\.\.2\^53 - 1\)/);
			g.agent.start();
			g.clock.advance(300_000);
			expect(g.last().id).toBe(T0 + 300_000);
		}
	});

	it("a store that throws is logged and counted; the report still goes out and ids keep increasing", () => {
		const r = rig();
		r.store.set = () => {
			throw new Error("flash full");
		};
		r.agent.start();
		r.clock.setWall(0);
		r.clock.advance(600_000);
		expect(r.reports().map((d) => d.id)).toEqual([300_000, 600_000]);
		expect(r.agent.status.storeFailures).toBe(2);
		expect(r.logs.join()).toMatch(/could not store report id 300000: flash full/);
	});

	it("fall back to last + 1 when the clock reads NaN", () => {
		const r = rig();
		r.clock.now = () => Number.NaN;
		r.agent.start();
		r.clock.advance(600_000);
		expect(r.reports().map((d) => d.id)).toEqual([1, 2]);
	});
});
