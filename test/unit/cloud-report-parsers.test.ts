/* The cloud's strict report parsers and CBOR reply encoder, at the byte level. */
import { decode as cborgDecode, Tokenizer } from "cborg";
import { describe, expect, it } from "vitest";
import { encodeCborReply } from "../../cloud/reports/cbor-reply";
import { parseCborStrict } from "../../cloud/reports/cbor-strict";
import { parseJsonStrict } from "../../cloud/reports/json-strict";
import { ParseError } from "../../cloud/reports/parsed";
import { accepted, rejected, RejectCodes } from "../../cloud/reports/replies";
import { array, cat, f64, head, map, text, uint } from "../fixtures/cbor-build";
import { jsonBytes } from "../fixtures/report-cases";
import { cborTokenTypes } from "../helpers/report-replies";

const refuses = (f: () => unknown, why: RegExp): void => {
	expect(f).toThrow(ParseError);
	expect(f).toThrow(why);
};

describe("json-strict", () => {
	it("parses like JSON.parse where JSON.parse loses nothing, into null-prototype maps", () => {
		const text = '{"a":[1,-2.5,1e3,"x\\n\\u00e9\\ud83d\\ude00",true,false,null],"b":{},"__proto__":{"c":0}}';
		const doc = parseJsonStrict(jsonBytes(" \t\r\n", text, " "));
		expect(JSON.stringify(doc.value)).toBe(JSON.stringify(JSON.parse(text)));
		expect(Object.getPrototypeOf(doc.value)).toBeNull();
	});

	it("records which map entries were written as floats", () => {
		const doc = parseJsonStrict(jsonBytes('{"i":5,"f":5.0,"e":5e0,"s":"5.0","o":{"x":1.5},"a":[1.0]}'));
		const root = doc.value as Record<string, object>;
		expect([...(doc.floats.get(root) ?? [])].sort()).toEqual(["e", "f"]);
		expect([...(doc.floats.get(root.o) ?? [])]).toEqual(["x"]);
	});

	it.each([
		["TrailingComma", '{"a":1,}', /expected a string key/],
		["TrailingGarbage", '{"a":1} x', /trailing characters/],
		["ControlCharacterInString", '{"a":"\u0001"}', /control character/],
		["BadEscape", '{"a":"\\x"}', /bad escape/],
		["ShortUnicodeEscape", '{"a":"\\u12"}', /bad \\u escape/],
		["LeadingZero", '{"a":01}', /expected ,/],
		["Unterminated", '{"a":"x', /unterminated string/],
		["NestedTooDeep", "[".repeat(40) + "]".repeat(40), /nested too deep/],
		["NegativeBeyond2To53", '{"a":-9007199254740992}', /integer beyond 2\^53-1/],
		["Empty", "", /unexpected end/],
	])("refuses %s", (_name, text, why) => refuses(() => parseJsonStrict(jsonBytes(text)), why));

	it("keeps ±(2^53-1) exactly", () => {
		expect(parseJsonStrict(jsonBytes("[9007199254740991,-9007199254740991]")).value).toEqual([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);
	});
});

describe("cbor-strict", () => {
	it("parses maps, arrays, integers, floats, text and simple values; records floats", () => {
		const doc = parseCborStrict(map(["a", array(uint(1), head(1, 1), f64(0.5), text("é"))], ["b", Uint8Array.of(0xf5)], ["c", Uint8Array.of(0xf6)], ["h", Uint8Array.of(0xf9, 0x3c, 0x00)]));
		expect(JSON.stringify(doc.value)).toBe(JSON.stringify({ a: [1, -2, 0.5, "é"], b: true, c: null, h: 1 }));
		expect([...(doc.floats.get(doc.value as object) ?? [])]).toEqual(["h"]);
	});

	it("keeps a leading U+FEFF in a text string (it is data, not a BOM; cborg drops it)", () => {
		expect(parseCborStrict(text("\ufeffeth0")).value).toBe("\ufeffeth0");
		expect(parseJsonStrict(jsonBytes('"\ufeffeth0"')).value).toBe("\ufeffeth0");
	});

	it.each([
		["IndefiniteTextString", cat(Uint8Array.of(0x7f), text("a"), Uint8Array.of(0xff)), /indefinite length for major type 3/],
		["StrayBreak", Uint8Array.of(0xff), /unexpected break/],
		["BreakInDefiniteArray", Uint8Array.of(0x82, 0x01, 0xff), /unexpected break/],
		["TrailingBytes", Uint8Array.of(0xa0, 0x00), /1 trailing bytes/],
		["Truncated", Uint8Array.of(0x1b, 0x00, 0x00), /truncated/],
		["TruncatedText", Uint8Array.of(0x65, 0x61), /truncated/],
		["ReservedInfo", Uint8Array.of(0x1c), /reserved additional information 28/],
		["NestedTooDeep", new Uint8Array(40).fill(0x81), /nested too deep/],
		["NegativeBeyond2To53", head(1, 2n ** 53n - 1n), /beyond -\(2\^53-1\)/],
		["TagInside", map(["a", cat(Uint8Array.of(0xd9, 0xd9, 0xf7), uint(1))]), /tag 55799 is not supported/],
		["Empty", new Uint8Array(0), /truncated/],
	])("refuses %s", (_name, bytes, why) => refuses(() => parseCborStrict(bytes), why));
});

describe("cbor-reply (RFC 8949 preferred serialization)", () => {
	it.each([0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, -1, -24, -25, -(2 ** 32)])("integer %d in its shortest head, as an integer", (n) => {
		const bytes = encodeCborReply({ n });
		expect(cborTokenTypes(bytes)).toEqual(["map", "string", n >= 0 ? "uint" : "negint"]);
		expect(cborgDecode(bytes, { strict: true })).toEqual({ n });
	});

	it("strings and maps take their shortest length heads", () => {
		for (const len of [0, 23, 24, 255, 256]) {
			const bytes = encodeCborReply({ ["k".repeat(len)]: "é".repeat(len) });
			expect(cborgDecode(bytes, { strict: true })).toEqual({ ["k".repeat(len)]: "é".repeat(len) });
		}
		const wide = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`k${i}`, i]));
		expect(encodeCborReply(wide)[0]).toBe(0xb8);
		expect(encodeCborReply(wide)[1]).toBe(24);
	});

	it("a real reply: accepted with a uint64 timestamp, rejected with nested statusDetails; bytes exact", () => {
		const now = 1_767_225_600_123;
		const a = accepted("t", "cbor", 7, now).payload;
		const ts = Buffer.alloc(9);
		ts[0] = 0x1b;
		ts.writeBigUInt64BE(BigInt(now), 1);
		const expected = cat(head(5, 4), text("thingName"), text("t"), text("reportId"), uint(7), text("status"), text("ACCEPTED"), text("timestamp"), ts);
		expect(Buffer.from(a).toString("hex")).toBe(Buffer.from(expected).toString("hex"));
		const r = rejected("t", "cbor", undefined, RejectCodes.InvalidPayload, "Malformed metrics report", now).payload;
		expect(cborTokenTypes(r)).not.toContain("float");
		expect(cborgDecode(r, { strict: true })).toEqual({ thingName: "t", status: "REJECTED", statusDetails: { ErrorCode: "InvalidPayload", ErrorMessage: "Malformed metrics report" }, timestamp: now });
	});

	it("refuses what a reply never holds", () => {
		expect(() => encodeCborReply({ x: 1.5 })).toThrow(RangeError);
		expect(() => encodeCborReply({ x: [1] })).toThrow(TypeError);
		expect(new Tokenizer(encodeCborReply({ x: undefined })).next().type.name).toBe("map");
	});
});
