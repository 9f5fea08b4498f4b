/*
 * Encoder against the GENERATE fixtures, with guard bytes around the output and every too-small
 * buffer; bad parameters first, then mirror tests (encode → parse) for PUBLISH and PUBACK.
 */
import { describe, expect, it } from "vitest";
import { GENERATE } from "../fixtures/mqtt-packets";
import { encodeInput, parseChunks } from "../helpers/mqtt-codec";
import * as E from "../../modules/mqtt/encode";
import { BAD_PARAMETER, BAD_TOPIC, BUFFER_TOO_SMALL, PAYLOAD_TOO_LARGE } from "../../modules/mqtt/status";

const GUARD = 0xa5;
const PAD = 3;

function guarded(size: number): Uint8Array {
	return new Uint8Array(size + 2 * PAD).fill(GUARD);
}

function guardsIntact(buf: Uint8Array, size: number): boolean {
	return buf.subarray(0, PAD).every((x) => x === GUARD) && buf.subarray(PAD + size).every((x) => x === GUARD);
}

describe("generate fixtures", () => {
	for (const f of GENERATE) {
		it(`generates ${f.name} between guard bytes`, () => {
			const buf = guarded(f.bytes.length);
			const out = buf.subarray(0, PAD + f.bytes.length);
			expect(encodeInput(out, PAD, f.object)).toBe(PAD + f.bytes.length);
			expect(Array.from(buf.subarray(PAD, PAD + f.bytes.length))).toEqual(f.bytes);
			expect(guardsIntact(buf, f.bytes.length)).toBe(true);
		});
		it(`refuses ${f.name} into every smaller buffer without writing past it`, () => {
			for (let size = 0; size < f.bytes.length; size++) {
				const buf = guarded(size);
				expect(encodeInput(buf.subarray(0, PAD + size), PAD, f.object)).toBe(-BUFFER_TOO_SMALL);
				expect(guardsIntact(buf, size)).toBe(true);
			}
		});
	}
});

describe("encoder parameters", () => {
	const out = new Uint8Array(512);
	const p = new Uint8Array(1);
	it("refuses bad PUBLISH parameters", () => {
		expect(E.encodePublish(out, 0, "", p, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(E.encodePublish(out, 0, "a/+", p, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(E.encodePublish(out, 0, "a/#", p, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(E.encodePublish(out, 0, "a\0", p, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(E.encodePublish(out, 0, "a\ud800", p, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(E.encodePublish(out, 0, "\udc00", p, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(E.encodePublish(out, 0, "x".repeat(257), p, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(E.encodePublish(out, 0, "t", p, 2, 1, false, false)).toBe(-BAD_PARAMETER);
		expect(E.encodePublish(out, 0, "t", p, 1, 0, false, false)).toBe(-BAD_PARAMETER);
		expect(E.encodePublish(out, 0, "t", p, 1, 65536, false, false)).toBe(-BAD_PARAMETER);
		expect(E.encodePublish(out, 0, "t", p, 0, 0, true, false)).toBe(-BAD_PARAMETER);
	});
	it("accepts a 256-byte topic and a surrogate pair", () => {
		expect(E.encodePublish(out, 0, "x".repeat(256), p, 0, 0, false, false)).toBe(2 + 2 + 256 + 1 + 1);
		expect(E.encodePublish(out, 0, "\ud83d\ude00", p, 0, 0, false, false)).toBe(2 + 2 + 4 + 1);
	});
	it("refuses bad SUBSCRIBE / UNSUBSCRIBE / PUBACK parameters", () => {
		expect(E.encodeSubscribe(out, 0, 1, "a/#/b", 0)).toBe(-BAD_TOPIC);
		expect(E.encodeSubscribe(out, 0, 1, "a+", 0)).toBe(-BAD_TOPIC);
		expect(E.encodeSubscribe(out, 0, 1, "a/b#", 0)).toBe(-BAD_TOPIC);
		expect(E.encodeSubscribe(out, 0, 0, "a", 0)).toBe(-BAD_PARAMETER);
		expect(E.encodeSubscribe(out, 0, 1, "a", 2)).toBe(-BAD_PARAMETER);
		expect(E.encodeSubscribe(out, 0, 1, "+/a/+", 1)).toBe(12);
		expect(E.encodeUnsubscribe(out, 0, 1, "")).toBe(-BAD_TOPIC);
		expect(E.encodeUnsubscribe(out, 0, 0, "a")).toBe(-BAD_PARAMETER);
		expect(E.encodePuback(out, 0, 0)).toBe(-BAD_PARAMETER);
	});
	it("refuses bad CONNECT parameters", () => {
		const c = { clientId: "d", keepAliveSeconds: 60, cleanSession: true };
		expect(E.encodeConnect(out, 0, { ...c, keepAliveSeconds: 65536 })).toBe(-BAD_PARAMETER);
		expect(E.encodeConnect(out, 0, { ...c, keepAliveSeconds: -1 })).toBe(-BAD_PARAMETER);
		expect(E.encodeConnect(out, 0, { ...c, password: new Uint8Array(1) })).toBe(-BAD_PARAMETER);
		expect(E.encodeConnect(out, 0, { ...c, clientId: "x".repeat(65536) })).toBe(-BAD_PARAMETER);
	});
});

describe("remaining-length boundaries", () => {
	const cases = [0, 127, 128, 16383, 16384, 2097151, 2097152, 268435455];
	it("sizes the length field at each boundary", () => {
		expect(cases.map(E.lengthBytes)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
	});
	it("writes each boundary minimally and the parser reads the same length back", () => {
		const out = new Uint8Array(8);
		const expected = [[0], [0x7f], [0x80, 0x01], [0xff, 0x7f], [0x80, 0x80, 0x01], [0xff, 0xff, 0x7f], [0x80, 0x80, 0x80, 0x01], [0xff, 0xff, 0xff, 0x7f]];
		cases.forEach((n, i) => {
			const end = E.writeHeader(out, 0, 0x30, n);
			expect(Array.from(out.subarray(1, end))).toEqual(expected[i]);
		});
	});
	for (const payload of [127 - 5, 128 - 5, 16383 - 5, 16384 - 5, 2097151 - 5, 2097152 - 5]) {
		it(`mirrors a PUBLISH with remaining length ${payload + 5}`, () => {
			const body = new Uint8Array(payload).fill(0x42);
			const out = new Uint8Array(E.publishSize(1, payload, 1));
			expect(E.encodePublish(out, 0, "t", body, 1, 9, false, false)).toBe(out.length);
			const r = parseChunks(out, [out.length >> 1], payload + 5);
			expect(r.status).toBe("SUCCESS");
			expect(r.packets[0].payload.length).toBe(payload);
			expect(r.packets[0].packetId).toBe(9);
		});
	}
	it("refuses a PUBLISH whose remaining length would pass 268435455", () => {
		const huge = { length: 268435455 } as Uint8Array;
		expect(E.encodePublish(new Uint8Array(8), 0, "t", huge, 0, 0, false, false)).toBe(-PAYLOAD_TOO_LARGE);
	});
});

describe("mirror", () => {
	for (const f of GENERATE.filter((g) => g.object.type === "publish")) {
		it(`parses back what it generates: ${f.name}`, () => {
			const o = f.object as Extract<typeof f.object, { type: "publish" }>;
			const out = new Uint8Array(f.bytes.length);
			encodeInput(out, 0, o);
			expect(parseChunks(out).packets[0]).toMatchObject({ type: 3, topic: o.topic, payload: o.payload, qos: o.qos, packetId: o.packetId, dup: o.dup, retain: o.retain });
		});
	}
	it("parses back a PUBACK", () => {
		const out = new Uint8Array(4);
		E.encodePuback(out, 0, 77);
		expect(parseChunks(out).packets[0]).toMatchObject({ type: 4, packetId: 77 });
	});
});
