import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { utf8Decode, utf8Encode, utf8Length } from "../../modules/bytes/utf8";

describe("utf8", () => {
	it("matches TextEncoder for any string, lone surrogates included", () => {
		fc.assert(
			fc.property(fc.string({ unit: "binary" }), (s) => {
				const ours = utf8Encode(s);
				expect(ours).toEqual(new TextEncoder().encode(s));
				expect(utf8Length(s)).toBe(ours.length);
			}),
			{ numRuns: 2000 },
		);
	});

	it("round-trips well-formed text", () => {
		fc.assert(
			fc.property(fc.string({ unit: "grapheme" }), (s) => {
				expect(utf8Decode(utf8Encode(s))).toBe(s);
			}),
			{ numRuns: 2000 },
		);
	});

	it.each([
		["overlong 2-byte", [0xc0, 0x80]],
		["overlong 3-byte", [0xe0, 0x80, 0x80]],
		["overlong 4-byte", [0xf0, 0x80, 0x80, 0x80]],
		["surrogate", [0xed, 0xa0, 0x80]],
		["above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
		["lead byte F5", [0xf5, 0x80, 0x80, 0x80]],
		["truncated", [0xe2, 0x82]],
		["bad continuation", [0xe2, 0x28, 0xa1]],
		["lone continuation", [0x80]],
	])("refuses %s", (_name, bytes) => {
		expect(utf8Decode(Uint8Array.from(bytes))).toBeUndefined();
	});

	it("decodes a slice", () => {
		const b = utf8Encode("ab€cd");
		expect(utf8Decode(b, 2, 5)).toBe("€");
	});
});
