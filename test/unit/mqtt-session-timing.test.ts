/*
 * MqttClient in virtual time: PINGREQ after 3/4 keep-alive without a write or a read, the dead
 * link after 1.5 × keep-alive without a read, keep-alive off, and exponential back-off with jitter.
 */
import { describe, expect, it } from "vitest";
import { harness, text } from "../helpers/mqtt-memory";
import { backoffDelay, keepAliveAction, keepAliveDelay, DEAD, KEEP, PING } from "../../modules/mqtt/timing";

describe("keep-alive", () => {
	it("pings after 45 s of silence (keep-alive 60 s) and stays up while PINGRESP arrives", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		h.clock.advance(44_999);
		expect(l.sent("pingreq")).toHaveLength(0);
		h.clock.advance(1);
		expect(l.sent("pingreq")).toHaveLength(1);
		l.send({ cmd: "pingresp" });
		h.clock.advance(45_000);
		expect(l.sent("pingreq")).toHaveLength(2);
		l.send({ cmd: "pingresp" });
		expect(h.client.connected).toBe(true);
	});

	it("pings even while publishing QoS 0 (writes but nothing read)", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		for (let t = 0; t < 50; t++) {
			h.clock.advance(1000);
			h.client.publish("t", text("x"), 0);
		}
		expect(l.sent("pingreq")).toHaveLength(1);
	});

	it("drops a link that reads nothing for 1.5 × keep-alive", () => {
		const h = harness();
		h.client.start();
		h.connect();
		h.clock.advance(89_999);
		expect(h.client.connected).toBe(true);
		h.clock.advance(1);
		expect(h.client.reason).toBe("KEEPALIVE_TIMEOUT");
		expect(h.client.stats.disconnects).toBe(1);
	});

	it("never pings with keep-alive 0", () => {
		const h = harness({ keepAliveSeconds: 0 });
		h.client.start();
		const l = h.connect();
		h.clock.advance(3_600_000);
		expect(l.sent("pingreq")).toHaveLength(0);
		expect(h.client.connected).toBe(true);
	});

	it("still times out when the PINGREQ cannot be written", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.accept = 0;
		h.client.publish("x".repeat(256), new Uint8Array(256), 0);
		h.clock.advance(90_000);
		expect(h.client.reason).toBe("KEEPALIVE_TIMEOUT");
	});

	it("decides from write and read times", () => {
		expect(keepAliveAction(100, 0, 0, false, 100)).toBe(PING);
		expect(keepAliveAction(74, 0, 0, false, 100)).toBe(KEEP);
		expect(keepAliveAction(80, 70, 0, false, 100)).toBe(PING);
		expect(keepAliveAction(100, 0, 0, true, 100)).toBe(KEEP);
		expect(keepAliveAction(150, 149, 0, true, 100)).toBe(DEAD);
		expect(keepAliveDelay(0, 0, 0, false, 100)).toBe(75);
		expect(keepAliveDelay(0, 0, 0, true, 100)).toBe(150);
		expect(keepAliveDelay(500, 0, 0, true, 100)).toBe(0);
	});
});

describe("reconnect back-off", () => {
	it("doubles from minMs to maxMs with jitter in [d/2, d]", () => {
		expect([0, 1, 2, 3, 4, 10, 100].map((n) => backoffDelay(n, 1000, 8000, () => 0))).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
		expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 8000, () => 0.999999))).toEqual([1000, 2000, 4000, 8000, 8000]);
	});

	/** Drops the current link and returns the delay until the next attempt opens. */
	function gapAfterLoss(h: ReturnType<typeof harness>, lose: () => void): number {
		const start = h.clock.ticks();
		const before = h.links.length;
		lose();
		while (h.links.length === before) h.clock.advance(100);
		return h.clock.ticks() - start;
	}

	it("waits the jittered delay between attempts", () => {
		const h = harness({ random: () => 0 });
		h.client.start();
		const gaps: number[] = [];
		for (let i = 0; i < 5; i++) gaps.push(gapAfterLoss(h, () => h.link().handlers.onError("refused")));
		expect(gaps).toEqual([500, 1000, 2000, 4000, 4000]);
	});

	it("keeps backing off from a broker that CONNACKs and then drops the link at once", () => {
		const h = harness({ random: () => 0 });
		h.client.start();
		const gaps: number[] = [];
		for (let i = 0; i < 5; i++) {
			h.connect();
			h.clock.advance(1000);
			gaps.push(gapAfterLoss(h, () => h.link().handlers.onClose()));
		}
		expect(gaps).toEqual([500, 1000, 2000, 4000, 4000]);
		expect(h.client.stats.connects).toBe(5);
	});

	it("starts over once a connection stayed up for one keep-alive period (default)", () => {
		const h = harness({ random: () => 0 });
		h.client.start();
		for (let i = 0; i < 4; i++) gapAfterLoss(h, () => h.link().handlers.onError("refused"));
		h.connect();
		h.clock.advance(59_900);
		expect(gapAfterLoss(h, () => h.link().handlers.onClose())).toBe(4000);
		const l = h.connect();
		h.clock.advance(45_000);
		l.send({ cmd: "pingresp" });
		h.clock.advance(15_000);
		expect(h.client.connected).toBe(true);
		expect(gapAfterLoss(h, () => h.link().handlers.onClose())).toBe(500);
	});

	it("takes an explicit stableMs", () => {
		const h = harness({ random: () => 0, stableMs: 5000 });
		h.client.start();
		for (let i = 0; i < 3; i++) gapAfterLoss(h, () => h.link().handlers.onError("refused"));
		h.connect();
		h.clock.advance(5000);
		expect(gapAfterLoss(h, () => h.link().handlers.onClose())).toBe(500);
	});
});
