/*
 * Parser errors (testParseError shape): bytes → exact status name, whole and split at every byte;
 * errors are sticky until reset(), and statusName covers the closed set.
 */
import { describe, expect, it } from "vitest";
import { ERRORS } from "../fixtures/mqtt-packets";
import { parseChunks } from "../helpers/mqtt-codec";
import { MqttParser } from "../../modules/mqtt/parser";
import * as S from "../../modules/mqtt/status";

describe("parse errors", () => {
	for (const f of ERRORS) {
		it(`${f.name} → ${f.status}`, () => {
			expect(parseChunks(f.bytes).status).toBe(f.status);
			for (let cut = 1; cut < f.bytes.length; cut++) expect(parseChunks(f.bytes, [cut]).status).toBe(f.status);
		});
	}

	it("keeps an error until reset() and parses again afterwards", () => {
		const parser = new MqttParser(64);
		parser.feed(Uint8Array.from([0x00, 0xd0, 0]));
		expect(parser.next()).toBeNull();
		expect(parser.status).toBe(S.BAD_PACKET_TYPE);
		parser.feed(Uint8Array.from([0xd0, 0]));
		expect(parser.next()).toBeNull();
		parser.reset();
		parser.feed(Uint8Array.from([0xd0, 0]));
		expect(parser.next()?.type).toBe(13);
		expect(parser.status).toBe(S.SUCCESS);
	});

	it("refuses an oversized packet at its length, before any body byte is stored", () => {
		const parser = new MqttParser(10);
		parser.feed(Uint8Array.from([0x30, 11]));
		expect(parser.next()).toBeNull();
		expect(parser.status).toBe(S.PACKET_TOO_LARGE);
	});
});

describe("statuses", () => {
	it("names every status and nothing else", () => {
		const names = new Set<string>();
		for (let s = 0; s <= S.SUBSCRIBE_REFUSED; s++) names.add(S.statusName(s));
		expect(names.size).toBe(S.SUBSCRIBE_REFUSED + 1);
		expect(names.has("UNKNOWN_STATUS")).toBe(false);
		expect(S.statusName(99)).toBe("UNKNOWN_STATUS");
		expect(S.statusName(S.PACKET_TOO_LARGE)).toBe("PACKET_TOO_LARGE");
	});
	it("maps CONNACK codes and successes", () => {
		expect([0, 1, 2, 3, 4, 5].map((c) => S.statusName(S.connackStatus(c)))).toEqual(["SUCCESS", "REFUSED_PROTOCOL_VERSION", "REFUSED_IDENTIFIER", "REFUSED_SERVER_UNAVAILABLE", "REFUSED_BAD_CREDENTIALS", "REFUSED_NOT_AUTHORIZED"]);
		expect([S.SUCCESS, S.QUEUED, S.TX_BUSY].map(S.isSuccess)).toEqual([true, true, false]);
	});
});
