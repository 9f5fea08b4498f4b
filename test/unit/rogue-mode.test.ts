import { describe, expect, it } from "vitest";
import { Rogue, RogueError } from "../../modules/rogue/rogue";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { FakeMqtt } from "../helpers/agent-fakes";

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
		expect(new Rogue({ port, clock, random, length: 3 }).message()).toMatch(/^[A-Z0-9]{3}$/);
	});

	it("never indexes past the alphabet even if the random source returns 1", () => {
		const rogue = new Rogue({ port: new FakeMqtt(), clock: new VirtualClock(), random: () => 1, length: 4 });
		expect(rogue.message()).toMatch(/^[A-Z0-9]{4}$/);
	});
});
