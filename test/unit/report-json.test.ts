import { describe, expect, it } from "vitest";
import { encodeReport, encodeReportInto, reportSize } from "../../modules/report/report";
import { decode as cborgDecode } from "cborg";
import { utf8Decode } from "../../modules/bytes/utf8";
import { decodeCbor } from "../../modules/report/cbor-decode";
import { reportFixtures } from "../fixtures/reports";
import { validateLong, validateShort } from "../fixtures/report-validators";

const text = (b: Uint8Array) => utf8Decode(b) ?? "<bad utf-8>";

describe("report JSON", () => {
	describe.each(reportFixtures)("$name", (f) => {
		const options = { maxListSize: f.maxListSize };

		it("long keys: exact text, schema-valid", () => {
			const out = text(encodeReport(f.model, "json", options));
			expect(out).toBe(f.jsonLong);
			expect(validateLong(JSON.parse(out)), JSON.stringify(validateLong.errors)).toBe(true);
		});

		it("short keys: exact text, schema-valid", () => {
			const out = text(encodeReport(f.model, "json-short", options));
			expect(out).toBe(f.jsonShort);
			expect(validateShort(JSON.parse(out)), JSON.stringify(validateShort.errors)).toBe(true);
		});

		it("long and short carry the same document under renamed keys", () => {
			expect(Object.keys(JSON.parse(f.jsonLong))).toHaveLength(Object.keys(JSON.parse(f.jsonShort)).length);
			expect(reportSize(f.model, "json", options)).toBe(Buffer.byteLength(f.jsonLong));
			expect(reportSize(f.model, "json-short", options)).toBe(Buffer.byteLength(f.jsonShort));
		});
	});

	it("the short schema refuses a long report and the long schema a short one", () => {
		const f = reportFixtures[1];
		expect(validateShort(JSON.parse(f.jsonLong))).toBe(false);
		expect(validateLong(JSON.parse(f.jsonShort))).toBe(false);
	});

	it("encodeReportInto writes at an offset and leaves guard bytes untouched", () => {
		const f = reportFixtures[1];
		const size = reportSize(f.model, "json-short");
		const out = new Uint8Array(size + 8).fill(0xa5);
		expect(encodeReportInto(f.model, "json-short", out, 4)).toBe(4 + size);
		expect(text(out.subarray(4, 4 + size))).toBe(f.jsonShort);
		expect([...out.subarray(0, 4), ...out.subarray(4 + size)]).toEqual(new Array(8).fill(0xa5));
	});

	it.each([
		["one byte short", 0, -1],
		["offset past the end", 1, 0],
		["negative offset", -1, 0],
		["fractional offset", 0.5, 1],
	])("encodeReportInto refuses a buffer %s, writing nothing", (_name, offset, extra) => {
		const f = reportFixtures[0];
		const size = reportSize(f.model, "json");
		const out = new Uint8Array(size + extra).fill(0xa5);
		expect(() => encodeReportInto(f.model, "json", out, offset)).toThrow(expect.objectContaining({ code: "BufferTooSmall" }));
		expect(out.every((b) => b === 0xa5)).toBe(true);
	});
});

describe("a custom metric named __proto__ (a valid name)", () => {
	it("is written as an ordinary key in JSON and CBOR", () => {
		const model = JSON.parse('{"reportId":1,"customMetrics":{"__proto__":{"number":0}}}');
		const json = text(encodeReport(model, "json-short"));
		expect(json).toBe('{"hed":{"rid":1,"v":"1.0"},"met":{},"cmet":{"__proto__":[{"number":0}]}}');
		const cmet = (decodeCbor(encodeReport(model, "cbor")) as Record<string, Record<string, unknown>>).cmet;
		expect(Object.getOwnPropertyDescriptor(cmet, "__proto__")?.value).toEqual([{ number: 0 }]);
	});
});

describe("report buffer growth", () => {
	it("a report far larger than the writer's initial buffer comes out whole, and a small one after it too", () => {
		const customMetrics: Record<string, { string_list: string[] }> = {};
		for (let i = 0; i < 80; i++) customMetrics[`metric_${i}`] = { string_list: ["x".repeat(40), "é".repeat(10)] };
		const model = { reportId: 3, customMetrics };
		const big = encodeReport(model, "json-short");
		expect(big.length).toBeGreaterThan(4000);
		expect(JSON.parse(text(big))).toEqual({ hed: { rid: 3, v: "1.0" }, met: {}, cmet: Object.fromEntries(Object.entries(customMetrics).map(([k, v]) => [k, [v]])) });
		expect(cborgDecode(encodeReport(model, "cbor"))).toEqual(JSON.parse(text(big)));
		expect(text(encodeReport(reportFixtures[0].model, "json-short"))).toBe(reportFixtures[0].jsonShort);
	});

	it("returned buffers are copies: a later report does not change an earlier one", () => {
		const first = encodeReport(reportFixtures[1].model, "cbor");
		const copy = Uint8Array.from(first);
		encodeReport(reportFixtures[0].model, "cbor");
		expect(first).toEqual(copy);
	});
});
