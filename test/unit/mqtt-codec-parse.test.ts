/*
 * Parser against the PARSE fixtures: whole, split at every byte, one byte at a time, all fixtures
 * back to back in one stream, and the payload view semantics.
 */
import { describe, expect, it } from "vitest";
import { PARSE } from "../fixtures/mqtt-packets";
import { parseChunks } from "../helpers/mqtt-codec";
import { MqttParser } from "../../modules/mqtt/parser";
import { SUCCESS } from "../../modules/mqtt/status";

describe("parse fixtures", () => {
	for (const f of PARSE) {
		it(`parses ${f.name}`, () => {
			const r = parseChunks(f.bytes);
			expect(r.status).toBe("SUCCESS");
			expect(r.packets).toHaveLength(1);
			expect(r.packets[0]).toMatchObject(f.object);
			expect(r.partial).toBe(false);
		});
		it(`parses ${f.name} split at every byte boundary`, () => {
			const whole = parseChunks(f.bytes).packets;
			for (let cut = 1; cut < f.bytes.length; cut++) expect(parseChunks(f.bytes, [cut]).packets).toEqual(whole);
			expect(parseChunks(f.bytes, f.bytes.map((_, i) => i)).packets).toEqual(whole);
		});
	}

	it("parses all fixtures back to back in one stream and in 3-byte chunks", () => {
		const stream = PARSE.flatMap((f) => f.bytes);
		const whole = parseChunks(stream);
		expect(whole.packets.map((p) => p.type)).toEqual(PARSE.map((f) => f.object.type));
		const cuts = [];
		for (let i = 3; i < stream.length; i += 3) cuts.push(i);
		expect(parseChunks(stream, cuts).packets).toEqual(whole.packets);
	});

	it("reports a packet cut short as partial, not as a packet", () => {
		const r = parseChunks([0x30, 7, 0, 3, 0x61]);
		expect(r).toEqual({ packets: [], status: "SUCCESS", partial: true });
	});

	it("gives payload views into the input when the packet arrived whole", () => {
		const parser = new MqttParser(64);
		const chunk = Uint8Array.from([0x30, 4, 0, 1, 0x74, 0x58]);
		parser.feed(chunk);
		const p = parser.next();
		expect(p?.payload.buffer).toBe(chunk.buffer);
		expect(parser.next()).toBeNull();
		expect(parser.status).toBe(SUCCESS);
	});

	it("reuses the decoded topic string for a repeated topic and still validates a new one", () => {
		const r = parseChunks([0x30, 4, 0, 1, 0x74, 0x58, 0x30, 4, 0, 1, 0x74, 0x59, 0x30, 4, 0, 1, 0x75, 0x5a, 0x30, 3, 0, 1, 0x2b]);
		expect(r.packets.map((p) => p.topic)).toEqual(["t", "t", "u"]);
		expect(r.status).toBe("BAD_TOPIC");
	});

	it("handles topics longer than the topic cache", () => {
		const topic = "x".repeat(300);
		const bytes = [0x30, 0x80 | ((302 + 1) & 0x7f), (302 + 1) >> 7, 1, 44, ...Array.from(topic, (c) => c.charCodeAt(0)), 0x21];
		expect(parseChunks(bytes).packets[0]).toMatchObject({ topic, payload: [0x21] });
	});
});
