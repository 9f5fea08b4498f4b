/*
 * MqttClient faults: nothing thrown by the platform (clock, random source, log, transport) or by an
 * application callback escapes a transport callback or a timer into the event loop. A fault inside
 * a transport or keep-alive callback drops the link (TRANSPORT_ERROR) and the client reconnects.
 */
import { describe, expect, it } from "vitest";
import { harness, text } from "../helpers/mqtt-memory";

const broken = (what: string) => () => {
	throw new Error(what);
};

describe("faults", () => {
	it("a clock that throws while data arrives drops the link instead of throwing", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		const ticks = h.clock.ticks;
		h.clock.ticks = broken("clock broke");
		expect(() => l.send({ cmd: "pingresp" })).not.toThrow();
		expect(l.closed).toBe(true);
		expect(h.client.state).toBe("waiting");
		expect(h.client.reason).toBe("TRANSPORT_ERROR: Error: clock broke");
		h.clock.ticks = ticks;
		h.clock.advance(1000);
		h.connect();
		expect(h.client.connected).toBe(true);
	});

	it("a fault in the keep-alive timer drops the link", () => {
		const h = harness();
		h.client.start();
		h.connect();
		h.clock.ticks = broken("tick");
		expect(() => h.clock.advance(60_000)).not.toThrow();
		expect(h.states).toContain("waiting TRANSPORT_ERROR: Error: tick");
	});

	it("a fault in onOpen or onWritable drops the link", () => {
		const h = harness();
		h.client.start();
		h.clock.ticks = broken("open");
		expect(() => h.link().handlers.onOpen()).not.toThrow();
		expect(h.link().closed).toBe(true);
		expect(h.states).toContain("waiting TRANSPORT_ERROR: Error: open");
		const g = harness();
		g.client.start();
		const l = g.connect();
		l.accept = 0;
		g.client.subscribe("s", 0);
		l.accept = Infinity;
		g.clock.ticks = broken("writable");
		expect(() => l.handlers.onWritable()).not.toThrow();
		expect(l.closed).toBe(true);
		expect(g.states).toContain("waiting TRANSPORT_ERROR: Error: writable");
	});

	it.each(["onClose", "onError"] as const)("%s with a log that throws does not escape; the link stays closed", (name) => {
		const h = harness({ log: broken("log") });
		h.client.start();
		const l = h.connect();
		expect(() => (name === "onClose" ? l.handlers.onClose() : l.handlers.onError("reset"))).not.toThrow();
		expect(l.closed).toBe(true);
		expect(h.client.connected).toBe(false);
	});

	it("when dropping the link throws too (random source broken), the link just stays closed", () => {
		let fail = false;
		const h = harness({ random: () => (fail ? broken("random")() : 0.5) });
		h.client.start();
		const l = h.connect();
		fail = true;
		h.clock.ticks = broken("clock");
		expect(() => l.send({ cmd: "pingresp" })).not.toThrow();
		expect(l.closed).toBe(true);
	});

	it("a timer step of the client that throws is logged, not thrown", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.handlers.onClose();
		const open = h.links.length;
		let once = true;
		const original = h.clock.set.bind(h.clock);
		h.clock.set = (cb, ms) => {
			if (ms === 10000 && once) {
				once = false;
				throw new Error("no timers");
			}
			return original(cb, ms);
		};
		expect(() => h.clock.advance(8000)).not.toThrow();
		expect(h.links.length).toBe(open);
		expect(h.logs.some((m) => m === "mqtt: callback threw: Error: no timers")).toBe(true);
	});

	it("an application callback that throws, with a log that throws too, does not escape", () => {
		const h = harness({
			onMessage: broken("app"),
			log: broken("log"),
		});
		h.client.start();
		const l = h.connect();
		h.client.subscribe("t", 0);
		expect(() => l.send({ cmd: "publish", topic: "t", payload: Buffer.from(text("hi")), qos: 0 })).not.toThrow();
		expect(h.client.connected).toBe(true);
	});

	it.each(["onClose", "onError"] as const)("%s whose reconnect scheduling throws (random broken) leaves the link closed", (name) => {
		let fail = false;
		const h = harness({ random: () => (fail ? broken("random")() : 0.5) });
		h.client.start();
		const l = h.connect();
		fail = true;
		expect(() => (name === "onClose" ? l.handlers.onClose() : l.handlers.onError("reset"))).not.toThrow();
		expect(l.closed).toBe(true);
	});

	it("loses a connection quietly without a log", () => {
		const h = harness({ log: undefined });
		h.client.start();
		const l = h.connect();
		expect(() => l.handlers.onClose()).not.toThrow();
		expect(h.client.state).toBe("waiting");
	});
});
