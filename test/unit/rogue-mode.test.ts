import { describe, expect, it } from "vitest";
import { Rogue, RogueError } from "../../modules/rogue/rogue";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { FakeMqtt } from "../helpers/agent-fakes";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function setup(options: { topic?: string; periodMs?: number } = {}) {
	const clock = new VirtualClock();
	const mqtt = new FakeMqtt();
	let seed = 1;
	const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
	const logs: string[] = [];
	const rogue = new Rogue({ port: mqtt, clock, random, log: (s) => logs.push(s), ...options });
	return { clock, mqtt, rogue, logs };
}

describe("rogue mode", () => {
	it("publishes a 100-character A-Z0-9 message as JSON every second at QoS 0 to its topic", () => {
		const { clock, mqtt, rogue } = setup();
		rogue.start();
		expect(mqtt.subscribed).toEqual(["/rogue/agent"]);
		clock.advance(999);
		expect(mqtt.published).toHaveLength(0);
		clock.advance(1);
		clock.advance(4000);
		expect(mqtt.published).toHaveLength(5);
		const texts = mqtt.published.map((p) => new TextDecoder().decode(p.payload));
		for (const [i, p] of mqtt.published.entries()) {
			expect(p.topic).toBe("/rogue/agent");
			expect(p.qos).toBe(0);
			expect(JSON.parse(texts[i]).message).toMatch(/^[A-Z0-9]{100}$/);
		}
		expect(new Set(texts).size).toBe(5);
		expect(rogue.status.sent).toBe(5);
		expect(rogue.status.sentBytes).toBe(5 * texts[0].length);
		expect(texts[0].length).toBe(100 + '{"message":""}'.length);
	});

	it("stops, restarts and counts only its own topic on receive", () => {
		const { clock, mqtt, rogue, logs } = setup({ topic: "x/y", periodMs: 500 });
		rogue.start();
		rogue.start();
		clock.advance(1000);
		rogue.stop();
		rogue.stop();
		clock.advance(5000);
		expect(mqtt.published).toHaveLength(2);
		expect(rogue.status.running).toBe(false);
		rogue.onMessage("x/y", new Uint8Array(10));
		rogue.onMessage("other", new Uint8Array(7));
		expect(rogue.status).toMatchObject({ received: 1, receivedBytes: 10 });
		expect(logs.some((l) => l.includes("stopped after 2"))).toBe(true);
	});

	it("skips ticks while offline and subscribes again on every connection while running", () => {
		const { clock, mqtt, rogue } = setup();
		mqtt.connected = false;
		rogue.onConnected();
		rogue.start();
		expect(mqtt.subscribed).toEqual([]);
		clock.advance(3000);
		expect(rogue.status).toMatchObject({ sent: 0, skipped: 3 });
		mqtt.connected = true;
		rogue.onConnected();
		clock.advance(1000);
		mqtt.accept = false;
		clock.advance(1000);
		expect(mqtt.subscribed).toEqual(["/rogue/agent"]);
		expect(rogue.status).toMatchObject({ sent: 1, skipped: 4 });
	});

	it("refuses bad options with a named error", () => {
		const clock = new VirtualClock();
		const port = new FakeMqtt();
		const random = Math.random;
		expect(() => new Rogue({ port, clock, random, topic: "a/+" })).toThrow(RogueError);
		expect(() => new Rogue({ port, clock, random, topic: "" })).toThrow(/BadRogueOption/);
		expect(() => new Rogue({ port, clock, random, periodMs: 0 })).toThrow(/periodMs/);
		expect(() => new Rogue({ port, clock, random, length: 1.5 })).toThrow(/length/);
		const short = new Rogue({ port, clock, random, length: 3 });
		short.start();
		clock.advance(1000);
		expect(text(port.published[0].payload)).toMatch(/^\{"message":"[A-Z0-9]{3}"\}$/);
	});

	it("never goes past the alphabet's ends whatever the random source returns", () => {
		const clock = new VirtualClock();
		const port = new FakeMqtt();
		const values = [1, 0, 0.9999999, 25 / 36, 26 / 36];
		let n = 0;
		new Rogue({ port, clock, random: () => values[n++ % values.length], length: 5 }).start();
		clock.advance(1000);
		expect(JSON.parse(text(port.published[0].payload)).message).toBe("AA9Z0");
	});

	it("writes every message into one reused buffer, which the client copies", () => {
		const seen: Uint8Array[] = [];
		const port = { connected: true, publish: (_t: string, p: Uint8Array) => seen.push(p) > 0, subscribe: () => {} };
		const clock = new VirtualClock();
		const rogue = new Rogue({ port, clock, random: Math.random });
		rogue.start();
		clock.advance(3000);
		expect(seen).toHaveLength(3);
		expect(seen[1]).toBe(seen[0]);
		expect(seen[2]).toBe(seen[0]);
		expect(seen[0].length).toBe(114);
		expect(rogue.status).toMatchObject({ sent: 3, sentBytes: 342, failures: 0 });
	});

	it("never throws out of its timer or the connection callback: a fault is counted, logged and the ticks go on", () => {
		const clock = new VirtualClock();
		const logs: string[] = [];
		let fail = true;
		const port = {
			connected: true,
			publish: () => {
				if (fail) throw new Error("client broke");
				return true;
			},
			subscribe: () => {
				throw "no subscribe";
			},
		};
		const rogue = new Rogue({ port, clock, random: Math.random, log: (s) => logs.push(s) });
		expect(() => rogue.start()).toThrow("no subscribe");
		port.connected = false;
		const r2 = new Rogue({ port, clock, random: Math.random, log: (s) => logs.push(s) });
		r2.start();
		port.connected = true;
		expect(() => r2.onConnected()).not.toThrow();
		expect(() => clock.advance(2000)).not.toThrow();
		expect(r2.status).toMatchObject({ sent: 0, failures: 3 });
		fail = false;
		clock.advance(1000);
		expect(r2.status).toMatchObject({ sent: 1, failures: 3 });
		expect(logs).toContain("rogue: subscribe failed: no subscribe");
		expect(logs).toContain("rogue: tick failed: client broke");
	});

	it("survives a log that throws too", () => {
		const clock = new VirtualClock();
		const port = {
			connected: true,
			publish: (): boolean => {
				throw new Error("x");
			},
			subscribe: () => {},
		};
		const log = (s: string) => {
			if (s.includes("failed")) throw new Error("log broke");
		};
		const rogue = new Rogue({ port, clock, random: Math.random, log });
		rogue.start();
		expect(() => clock.advance(1000)).not.toThrow();
		expect(rogue.status.failures).toBe(1);
	});

	it("a clock that refuses the subscription timer after a connection is a counted failure", () => {
		const clock = new VirtualClock();
		const port = new FakeMqtt();
		const rogue = new Rogue({ port, clock, random: Math.random });
		rogue.start();
		const set = clock.set.bind(clock);
		clock.set = () => {
			throw new Error("no timers");
		};
		expect(() => rogue.onConnected()).not.toThrow();
		clock.set = set;
		expect(rogue.status.failures).toBe(1);
	});
});
