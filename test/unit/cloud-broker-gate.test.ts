/* The broker's pure pieces: the packet gate, the topic rules, the limits and the retained budget. */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../modules/facts/facts";
import { DEFAULT_BROKER_LIMITS, resolveLimits } from "../../cloud/broker/limits";
import { PacketGate } from "../../cloud/broker/packet-gate";
import { RetainedBudget } from "../../cloud/broker/retained";
import { topicProblem } from "../../cloud/broker/topic-rules";
import { connectPacket, publishPacket, subscribePacket } from "../helpers/broker-raw";

function gate(limits = {}): { g: PacketGate; refusals: string[]; throttled: number[]; tick: (ms: number) => void } {
	const refusals: string[] = [];
	const throttled: number[] = [];
	let now = 0;
	const g = new PacketGate(resolveLimits(limits), { refuse: (r) => refusals.push(r), throttled: (n) => throttled.push(n) }, () => now);
	return { g, refusals, throttled, tick: (ms) => (now += ms) };
}

const open = (limits = {}): ReturnType<typeof gate> => {
	const t = gate(limits);
	t.g.feed(connectPacket("a"));
	t.g.accept();
	return t;
};

describe("PacketGate", () => {
	it("refuses from the fixed header alone a packet over the limit (CONNECT of 256 MB)", () => {
		const t = gate();
		expect(t.g.feed(Buffer.from([0x10, 0xff, 0xff, 0xff]))).toEqual([]);
		expect(t.refusals).toEqual([]);
		t.g.feed(Buffer.from([0x7f]));
		expect(t.refusals[0]).toMatch(/packet of 268435460 bytes \(type 1\) is over the limit of 131337/);
		expect(t.g.state).toBe("closed");
		expect(t.g.feed(connectPacket("a"))).toEqual([]);
	});

	it("refuses a remaining length of more than 4 bytes", () => {
		const t = gate();
		t.g.feed(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x01]));
		expect(t.refusals).toEqual(["malformed remaining length (more than 4 bytes)"]);
	});

	it("passes a packet of exactly the limit and refuses one byte more", () => {
		const t = open();
		const max = publishPacket("t", Buffer.alloc(DEFAULT_BROKER_LIMITS.maxPacketBytes - 9), 1, 1);
		expect(max.length).toBe(DEFAULT_BROKER_LIMITS.maxPacketBytes);
		expect(t.g.feed(max)).toHaveLength(1);
		t.g.feed(publishPacket("t", Buffer.alloc(DEFAULT_BROKER_LIMITS.maxPacketBytes - 8), 1, 1));
		expect(t.refusals).toHaveLength(1);
	});

	it("requires CONNECT first", () => {
		const t = gate();
		t.g.feed(publishPacket("t", "x"));
		expect(t.refusals).toEqual(["first packet is type 3, not CONNECT"]);
	});

	it("holds what follows CONNECT until it is accepted, and discards it when refused", () => {
		const t = gate();
		const bytes = Buffer.concat([connectPacket("a"), publishPacket("t", "x"), publishPacket("u", "y")]);
		const first = t.g.feed(bytes);
		expect(first).toEqual([connectPacket("a")]);
		expect(Buffer.concat(t.g.accept())).toEqual(Buffer.concat([publishPacket("t", "x"), publishPacket("u", "y")]));
		const r = gate();
		r.g.feed(bytes);
		r.g.refuseConnect();
		expect(r.g.accept()).toEqual([]);
		expect(r.g.feed(publishPacket("t", "x"))).toEqual([]);
	});

	it("reassembles packets split across chunks", () => {
		const t = open();
		const p = publishPacket("split/topic", "payload", 1, 4);
		expect(t.g.feed(p.subarray(0, 1))).toEqual([]);
		expect(t.g.feed(p.subarray(1, 5))).toEqual([]);
		expect(t.g.feed(p.subarray(5))).toEqual([p]);
	});

	it("refuses QoS 2 and QoS 3 PUBLISH", () => {
		const t = open();
		t.g.feed(publishPacket("t", "x", 2, 1));
		expect(t.refusals).toEqual(["PUBLISH with QoS 2: the broker supports QoS 0 and 1 only"]);
		const u = open();
		const p = publishPacket("t", "x", 1, 1);
		p[0] |= 0x06;
		u.g.feed(p);
		expect(u.refusals).toEqual(["PUBLISH with QoS 3 (malformed)"]);
	});

	it("drops PUBLISH past the per-second limit of its clock, then lets them through in the next second", () => {
		const t = open({ maxPublishesPerSecond: 3 });
		const out = t.g.feed(Buffer.concat(Array.from({ length: 5 }, () => publishPacket("t", "x"))));
		expect(out).toHaveLength(3);
		expect(t.throttled).toEqual([1, 2]);
		t.tick(999);
		expect(t.g.feed(publishPacket("t", "x"))).toEqual([]);
		t.tick(1);
		expect(t.g.feed(publishPacket("t", "x"))).toHaveLength(1);
		expect(t.refusals).toEqual([]);
	});

	it("lowers requested QoS 2 in a SUBSCRIBE to 1, leaving 0 and 1", () => {
		const t = open();
		const [out] = t.g.feed(subscribePacket(5, [{ topic: "a", qos: 2 }, { topic: "bb", qos: 0 }, { topic: "ccc", qos: 1 }]));
		expect(out).toEqual(subscribePacket(5, [{ topic: "a", qos: 1 }, { topic: "bb", qos: 0 }, { topic: "ccc", qos: 1 }]));
	});
});

describe("topic rules", () => {
	const l = { maxTopicBytes: LIMITS.maxTopicBytes, maxTopicSlashes: LIMITS.maxTopicSlashes };
	it("accepts up to the limits and refuses past them", () => {
		expect(topicProblem("a/b/c/d/e/f/g/h", l)).toBeUndefined();
		expect(topicProblem("a/b/c/d/e/f/g/h/i", l)).toMatch(/8 forward slashes, over the limit of 7/);
		expect(topicProblem("$aws/things/x/1/2/3/4/5/6/7/8", l)).toBeUndefined();
		expect(topicProblem("$aws/things/x/1/2/3/4/5/6/7/8/9", l)).toMatch(/8 forward slashes/);
		expect(topicProblem("x".repeat(256), l)).toBeUndefined();
		expect(topicProblem("é".repeat(129), l)).toMatch(/258 bytes, over the limit of 256/);
		expect(topicProblem("a\u0000b", l)).toMatch(/NUL/);
		expect(topicProblem("a\uFFFDb", l)).toMatch(/UTF-8/);
		expect(topicProblem("", l)).toMatch(/empty/);
	});
});

describe("limits", () => {
	it("take their defaults from LIMITS and derive the packet limit", () => {
		expect(DEFAULT_BROKER_LIMITS).toMatchObject({ maxPayloadBytes: LIMITS.maxPayloadBytes, maxPublishesPerSecond: LIMITS.maxPublishesPerSecond, maxSubscriptionsPerConnection: LIMITS.maxSubscriptionsPerConnection, maxQos: 1 });
		expect(resolveLimits({ maxPayloadBytes: 1000 }).maxPacketBytes).toBe(1000 + LIMITS.maxTopicBytes + 9);
		expect(resolveLimits({ maxPacketBytes: 50 }).maxPacketBytes).toBe(50);
		expect(() => resolveLimits({ handshakeTimeoutMs: -1 })).toThrow(/handshakeTimeoutMs must be a non-negative integer, got -1/);
		expect(() => resolveLimits({ maxQos: 2 as 1 })).toThrow(/maxQos must be 0 or 1/);
	});
});

describe("RetainedBudget", () => {
	it("caps count and bytes; replacing and deleting free their share", () => {
		const b = new RetainedBudget(2, 10);
		expect(b.admit("a", 4)).toBeUndefined();
		expect(b.admit("b", 4)).toBeUndefined();
		expect(b.admit("c", 1)).toMatch(/at most 2 retained messages/);
		expect(b.admit("a", 6)).toBeUndefined();
		expect(b.admit("a", 7)).toMatch(/11 retained bytes would pass the limit of 10/);
		expect(b.admit("b", 0)).toBeUndefined();
		expect(b.count).toBe(1);
		expect(b.admit("c", 4)).toBeUndefined();
		expect(b.admit("nothing", 0)).toBeUndefined();
	});
});
