/*
 * agent-faults — nothing thrown by a port (driver, client, clock, log), by the encoder or by the
 * application's onOutcome leaves one of the agent's timer or MQTT callbacks: each is counted in
 * status.faults (or encodeFailures) and logged, and the schedule goes on.
 */
import { describe, expect, it } from "vitest";
import { rig } from "../helpers/agent-setup";

const INTERVAL = 300_000;

describe("agent faults never escape a timer or MQTT callback", () => {
	it("a driver whose lists throw: the report goes out with network_stats only", () => {
		const r = rig();
		r.driver.listeningTcpPorts = () => {
			throw new Error("lwIP busy");
		};
		r.agent.start();
		r.driver.traffic(10, 20);
		expect(() => r.clock.advance(INTERVAL)).not.toThrow();
		expect(r.last()).toMatchObject({ bytesIn: 10, bytesOut: 20 });
		expect(r.last().doc.metrics).toEqual({ network_stats: { bytes_in: 10, bytes_out: 20, packets_in: 1, packets_out: 1 } });
		expect(r.agent.status).toMatchObject({ encodeFailures: 1, sent: 1, faults: 0 });
		expect(r.logs.some((l) => l.includes("lwIP busy") && l.includes("network_stats only"))).toBe(true);
	});

	it("when even network_stats alone cannot be encoded, no report is sent and the deltas stay pending", () => {
		const r = rig();
		const pending = r.sampler.pending.bind(r.sampler);
		r.sampler.pending = (out) => {
			pending(out);
			out.bytesIn = Number.NaN;
			return out;
		};
		r.agent.start();
		r.driver.traffic(7, 8);
		expect(() => r.clock.advance(INTERVAL)).not.toThrow();
		expect(r.reports()).toHaveLength(0);
		expect(r.agent.status).toMatchObject({ encodeFailures: 2, sent: 0, faults: 0, awaitingReply: false });
		expect(r.logs.some((l) => l.includes("not sent: even network_stats alone"))).toBe(true);
		r.sampler.pending = pending;
		r.clock.advance(INTERVAL);
		expect(r.last()).toMatchObject({ bytesIn: 7, bytesOut: 8 });
	});

	it("a client whose publish throws: counted as a fault, the next interval reports again", () => {
		const r = rig();
		const publish = r.mqtt.publish.bind(r.mqtt);
		let broken = true;
		r.mqtt.publish = (topic, payload, qos) => {
			if (broken) throw new Error("socket gone");
			return publish(topic, payload, qos);
		};
		r.agent.start();
		r.driver.traffic(1, 2);
		expect(() => r.clock.advance(INTERVAL)).not.toThrow();
		expect(r.agent.status).toMatchObject({ faults: 1, sent: 0 });
		expect(r.logs).toContain("defender: report failed: socket gone");
		broken = false;
		r.clock.advance(INTERVAL);
		expect(r.last()).toMatchObject({ bytesIn: 1, bytesOut: 2 });
	});

	it("a subscribe that throws in the deferred work, and a clock that refuses a timer in an MQTT callback", () => {
		const r = rig();
		r.mqtt.subscribe = () => {
			throw "refused";
		};
		r.agent.start();
		expect(() => r.clock.advance(0)).not.toThrow();
		expect(r.agent.status.faults).toBe(1);
		expect(r.logs).toContain("defender: subscribe failed: refused");
		const s = rig();
		s.agent.start();
		s.clock.advance(0);
		s.clock.set = () => {
			throw new Error("no timers left");
		};
		expect(() => s.agent.onConnected()).not.toThrow();
		expect(() => s.agent.onMessage(s.agent.acceptedTopic, new Uint8Array([0x7b, 0x7d]))).not.toThrow();
		expect(s.agent.status.faults).toBe(2);
		expect(s.logs).toContain("defender: onMessage failed: no timers left");
	});

	it("an onOutcome that throws does not stop the outcome's bookkeeping or the next report", () => {
		const r = rig();
		r.agent.onOutcome = () => {
			throw new Error("app bug");
		};
		r.agent.start();
		r.driver.traffic(3, 4);
		r.clock.advance(INTERVAL);
		const first = r.last();
		expect(() => r.reply("ACCEPTED", first.id)).not.toThrow();
		expect(r.agent.status).toMatchObject({ accepted: 1, faults: 1 });
		r.clock.advance(INTERVAL);
		const second = r.last();
		expect(() => r.clock.advance(INTERVAL)).not.toThrow();
		expect(r.agent.status).toMatchObject({ sent: 3, timedOut: 1, faults: 2 });
		expect(r.last().id).toBeGreaterThan(second.id);
		expect(r.logs.filter((l) => l === "defender: onOutcome failed: app bug")).toHaveLength(2);
	});

	it("a poll whose log throws, and a log that throws while a fault is logged", () => {
		const r = rig();
		let logBroken = false;
		const agentLog = r.logs.push.bind(r.logs);
		r.logs.push = (...items: string[]) => {
			if (logBroken) throw new Error("log broke");
			return agentLog(...items);
		};
		r.driver.read = () => {
			throw new Error("driver broke");
		};
		r.agent.start();
		logBroken = true;
		expect(() => r.clock.advance(10_000)).not.toThrow();
		expect(r.agent.status).toMatchObject({ pollFailures: 1, faults: 1 });
		logBroken = false;
		r.clock.advance(10_000);
		expect(r.agent.status).toMatchObject({ pollFailures: 2, faults: 1 });
	});

	it("a sampler that refuses an acknowledgement, and a log that throws at a reply timeout, are faults", () => {
		const r = rig();
		r.sampler.acknowledge = () => {
			throw new Error("ack refused");
		};
		r.agent.start();
		r.driver.traffic(1, 1);
		r.clock.advance(INTERVAL);
		expect(() => r.reply("ACCEPTED", r.last().id)).not.toThrow();
		expect(r.agent.status).toMatchObject({ faults: 1 });
		expect(r.logs).toContain("defender: reply handling failed: ack refused");
		r.clock.advance(INTERVAL);
		const push = r.logs.push.bind(r.logs);
		r.logs.push = (...items: string[]) => {
			if (items[0].startsWith("defender: no reply")) throw new Error("log broke");
			return push(...items);
		};
		expect(() => r.clock.advance(30_000)).not.toThrow();
		expect(r.agent.status).toMatchObject({ faults: 2, timedOut: 1 });
		expect(r.logs).toContain("defender: reply timeout failed: log broke");
	});
});
