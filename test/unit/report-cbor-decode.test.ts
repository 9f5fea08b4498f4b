import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encode as cborgEncode } from "cborg";
import { decodeCbor } from "../../modules/report/cbor-decode";

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));

describe("cbor-decode", () => {
	it.each([
		["00", 0],
		["17", 23],
		["1818", 24],
		["190100", 256],
		["1a00010000", 65536],
		["1b001fffffffffffff", 9007199254740991],
		["20", -1],
		["3818", -25],
		["f93c00", 1],
		["f90001", 5.960464477539063e-8],
		["f97c00", Infinity],
		["f9fc00", -Infinity],
		["f98000", -0],
		["fa47c35040", 100000.5],
		["fb3fb999999999999a", 0.1],
		["f4", false],
		["f5", true],
		["f6", null],
		["f7", undefined],
		["6161", "a"],
		["62c3a9", "é"],
		["c11a514b67b0", 1363896240],
		["8301820203820405", [1, [2, 3], [4, 5]]],
		["a26161016162820203", { a: 1, b: [2, 3] }],
		["4401020304", new Uint8Array([1, 2, 3, 4])],
	])("decodes %s (RFC 8949 Appendix A style)", (hex, value) => {
		expect(decodeCbor(bytes(hex))).toEqual(value);
	});

	it("decodes half-precision NaN", () => {
		expect(decodeCbor(bytes("f97e00"))).toBeNaN();
	});

	it("keeps a __proto__ key as data", () => {
		const o = decodeCbor(cborgEncode({ ["__proto__"]: 1 } as Record<string, number>)) as Record<string, unknown>;
		expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(o, "__proto__")?.value).toBe(1);
	});

	it("round-trips what cborg writes for JSON-like values (-0 aside: cborg writes it as 0)", () => {
		fc.assert(fc.property(fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown), (v) => {
			expect(decodeCbor(cborgEncode(v))).toEqual(v);
		}), { numRuns: 300 });
	});

	it.each([
		["an empty input", ""],
		["a truncated 2-byte head", "19"],
		["a truncated text string", "6361"],
		["trailing bytes", "0000"],
		["an integer above 2^53", "1b0020000000000000"],
		["an indefinite-length array", "9f00ff"],
		["reserved additional info 28", "1c"],
		["a one-byte simple value", "f820"],
		["an unassigned simple value", "e0"],
		["bad UTF-8 in a text string", "61ff"],
		["a map key that is an integer", "a10101"],
		["a duplicate map key", "a2616101616102"],
		["nesting deeper than 32", "81".repeat(40) + "00"],
	])("refuses %s", (_n, hex) => {
		expect(() => decodeCbor(bytes(hex))).toThrow(expect.objectContaining({ code: "BadReply" }));
	});
});
