/*
 * Differential tests against mqtt-packet: every packet our encoder writes parses to the same
 * fields with mqtt-packet's parser, and every packet mqtt-packet generates for a client parses to
 * the same fields with ours (also when cut in two anywhere), over fast-check inputs and the
 * remaining-length boundaries.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import type { Packet as PeerPacket } from "mqtt-packet";
import { encodeInput, parseChunks } from "../helpers/mqtt-codec";
import type { EncodeInput } from "../fixtures/mqtt-packets";
import { topicFilterLength, topicNameLength } from "../../modules/mqtt/topic";

const RUNS = 300;
const BOUNDARY_PAYLOADS = [0, 1, 118, 119, 120, 121, 122, 123, 124, 16374, 16375, 16376, 16377, 16378, 16379];

function peerParse(bytes: Uint8Array): Record<string, any>[] {
	const out: Record<string, any>[] = [];
	const parser = mqttPacket.parser({ protocolVersion: 4 });
	parser.on("packet", (p: PeerPacket) => out.push(p as Record<string, any>));
	parser.on("error", (e: Error) => out.push({ cmd: "error", message: e.message }));
	parser.parse(Buffer.from(bytes));
	return out;
}

const topic = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((t) => topicNameLength(t) > 0);
const filter = fc.oneof(topic, fc.constantFrom("#", "+", "a/+/b", "a/#", "+/+/#")).filter((t) => topicFilterLength(t) > 0);
const id = fc.integer({ min: 1, max: 0xffff });
const payload = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...BOUNDARY_PAYLOADS).map((n) => new Uint8Array(n).fill(7)));

const input: fc.Arbitrary<EncodeInput> = fc.oneof(
	fc.record({ type: fc.constant("connect" as const), clientId: fc.string({ maxLength: 23 }).filter((s) => topicNameLength(s || "x") > 0), keepAliveSeconds: fc.integer({ min: 0, max: 0xffff }), cleanSession: fc.boolean(), username: fc.option(fc.string({ maxLength: 10 }).filter((s) => topicNameLength(s || "x") > 0), { nil: undefined }) }),
	fc.record({ type: fc.constant("publish" as const), topic, payload: payload.map((p) => Array.from(p)), qos: fc.constantFrom(0, 1), packetId: id, dup: fc.boolean(), retain: fc.boolean() }).map((p) => ({ ...p, dup: p.qos === 1 && p.dup })),
	fc.record({ type: fc.constant("puback" as const), packetId: id }),
	fc.record({ type: fc.constant("subscribe" as const), packetId: id, filter, qos: fc.constantFrom(0, 1) }),
	fc.record({ type: fc.constant("unsubscribe" as const), packetId: id, filter }),
	fc.constant({ type: "pingreq" as const }),
	fc.constant({ type: "disconnect" as const }),
);

function expectSame(o: EncodeInput, p: Record<string, any>): void {
	switch (o.type) {
		case "connect":
			expect(p).toMatchObject({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: o.clientId, keepalive: o.keepAliveSeconds, clean: o.cleanSession });
			expect(p.username).toBe(o.username);
			return;
		case "publish":
			expect(p).toMatchObject({ cmd: "publish", topic: o.topic, qos: o.qos, dup: o.dup, retain: o.retain });
			expect(Array.from(p.payload as Buffer)).toEqual(o.payload);
			if (o.qos) expect(p.messageId).toBe(o.packetId);
			return;
		case "puback":
			expect(p).toMatchObject({ cmd: "puback", messageId: o.packetId });
			return;
		case "subscribe":
			expect(p).toMatchObject({ cmd: "subscribe", messageId: o.packetId, subscriptions: [{ topic: o.filter, qos: o.qos }] });
			return;
		case "unsubscribe":
			expect(p).toMatchObject({ cmd: "unsubscribe", messageId: o.packetId, unsubscriptions: [o.filter] });
			return;
		default:
			expect(p.cmd).toBe(o.type);
	}
}

describe("our encoder → mqtt-packet parser", () => {
	it("agrees on every generated packet", () => {
		const out = new Uint8Array(20000);
		fc.assert(fc.property(input, (o) => {
			const end = encodeInput(out, 0, o);
			expect(end).toBeGreaterThan(0);
			const parsed = peerParse(out.subarray(0, end));
			expect(parsed).toHaveLength(1);
			expectSame(o, parsed[0]);
		}), { numRuns: RUNS });
	});
});

const serverPacket: fc.Arbitrary<Record<string, any>> = fc.oneof(
	fc.integer({ min: 0, max: 5 }).chain((returnCode) => fc.record({ cmd: fc.constant("connack"), returnCode: fc.constant(returnCode), sessionPresent: returnCode === 0 ? fc.boolean() : fc.constant(false) })),
	fc.record({ cmd: fc.constant("publish"), topic, payload: payload.map((p) => Buffer.from(p)), qos: fc.constantFrom(0, 1), messageId: id, dup: fc.boolean(), retain: fc.boolean() }).map((p) => ({ ...p, dup: p.qos === 1 && p.dup, messageId: p.qos ? p.messageId : undefined })),
	fc.record({ cmd: fc.constantFrom("puback", "pubrec", "pubrel", "pubcomp", "unsuback"), messageId: id }),
	fc.record({ cmd: fc.constant("suback"), messageId: id, granted: fc.array(fc.constantFrom(0, 1, 2, 128), { minLength: 1, maxLength: 8 }) }),
	fc.constant({ cmd: "pingresp" }),
);

const TYPES: Record<string, number> = { connack: 2, publish: 3, puback: 4, pubrec: 5, pubrel: 6, pubcomp: 7, suback: 9, unsuback: 11, pingresp: 13 };

describe("mqtt-packet generate → our parser", () => {
	it("agrees on every generated packet, whole and cut anywhere", () => {
		fc.assert(fc.property(serverPacket, fc.double({ min: 0, max: 1, noNaN: true }), (p, where) => {
			const bytes = mqttPacket.generate(p as PeerPacket, { protocolVersion: 4 });
			const cut = Math.floor(where * bytes.length);
			const r = parseChunks(bytes, cut > 0 ? [cut] : [], 20000);
			expect(r.status).toBe("SUCCESS");
			expect(r.packets).toHaveLength(1);
			const q = r.packets[0];
			expect(q.type).toBe(TYPES[p.cmd]);
			if (p.cmd === "connack") expect([q.returnCode, q.sessionPresent]).toEqual([p.returnCode, p.sessionPresent]);
			if (p.cmd === "publish") expect([q.topic, q.qos, q.dup, q.retain, q.payload]).toEqual([p.topic, p.qos, p.dup, p.retain, Array.from(p.payload as Buffer)]);
			if (p.messageId !== undefined) expect(q.packetId).toBe(p.messageId);
			if (p.cmd === "suback") expect(q.granted).toEqual(p.granted);
		}), { numRuns: RUNS });
	});
});
