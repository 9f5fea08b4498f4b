import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decode as cborgDecode, encode as cborgEncode } from "cborg";
import { CborWriter } from "../fixtures/cbor-reference";
import { cborReportView, encodeCborReport } from "../../modules/report/cbor-report";
import { writeCbor } from "../../modules/report/cbor-small";
import { encodeWith } from "../../modules/report/encode";
import { SHORT } from "../../modules/report/keys";
import { encodeReport, encodeReportInto, ReportError } from "../../modules/report/report";
import type { ReportModel } from "../../modules/report/report";
import { cborNumbers } from "../fixtures/cbor-numbers";
import { referenceModel, reportFixtures } from "../fixtures/reports";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const walkWriter = new CborWriter();
/** The walk + CborWriter: the reference the compact writer must equal byte for byte. */
const reference = (model: ReportModel, maxListSize?: number) => hex(encodeWith(walkWriter, SHORT, model, { maxListSize }));
const small = (model: ReportModel, maxListSize?: number) => hex(encodeCborReport(model, { maxListSize }));
const shortDoc = (model: ReportModel, maxListSize?: number) => JSON.parse(Buffer.from(encodeReport(model, "json-short", { maxListSize })).toString());

/** Valid models only: every section optional, non-ASCII and long strings, floats, lists around the cap. */
function validModel(): fc.Arbitrary<ReportModel> {
	const text = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: "grapheme", maxLength: 30 }), fc.string({ unit: "binary", maxLength: 12 }));
	const port = fc.integer({ min: 0, max: 65535 });
	const ports = fc.array(fc.record({ port, interface: fc.option(text, { nil: undefined }) }, { requiredKeys: ["port"] }), { maxLength: 30 });
	const remoteAddr = fc.oneof(fc.tuple(fc.ipV4(), port).map(([ip, p]) => `${ip}:${p}`), fc.tuple(fc.ipV6(), port).map(([ip, p]) => `[${ip}]:${p}`));
	const connection = fc.record({ remoteAddr, localPort: fc.option(port, { nil: undefined }), localInterface: fc.option(text, { nil: undefined }) }, { requiredKeys: ["remoteAddr"] });
	const count = fc.oneof(fc.nat(30), fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
	const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround), fc.maxSafeInteger(), fc.integer({ min: -65536, max: 65536 }).map((n) => n / 1024));
	const value = fc.oneof(
		fc.record({ number }),
		fc.record({ number_list: fc.array(number, { maxLength: 30 }) }),
		fc.record({ string_list: fc.array(text, { maxLength: 30 }) }),
		fc.record({ ip_list: fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 4 }) }),
	);
	const name = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,40}$/).filter((n) => !n.startsWith("aws:") && n !== "__proto__");
	return fc.record(
		{
			reportId: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(1700000000123), fc.maxSafeInteger().filter((n) => n > 0)),
			listeningTcpPorts: ports,
			listeningUdpPorts: ports,
			connections: fc.array(connection, { maxLength: 30 }),
			networkStats: fc.record({ bytesIn: count, bytesOut: count, packetsIn: count, packetsOut: count }),
			customMetrics: fc.dictionary(name, value, { maxKeys: 30 }),
		},
		{ requiredKeys: ["reportId"] },
	);
}

describe("compact CBOR writer (cbor-small)", () => {
	describe.each(reportFixtures)("$name", (f) => {
		it("is byte for byte the walk + CborWriter output", () => {
			expect(small(f.model, f.maxListSize)).toBe(reference(f.model, f.maxListSize));
		});

		it("decodes (cborg) to the short-key JSON document", () => {
			expect(cborgDecode(encodeCborReport(f.model, { maxListSize: f.maxListSize }))).toEqual(JSON.parse(f.jsonShort));
		});
	});

	it("equals the walk + CborWriter and decodes to the model's document for generated valid models", () => {
		fc.assert(
			fc.property(validModel(), fc.integer({ min: 30, max: 40 }), (model, cap) => {
				const bytes = encodeCborReport(model, { maxListSize: cap });
				expect(hex(bytes)).toBe(reference(model, cap));
				expect(cborgDecode(bytes)).toEqual(shortDoc(model, cap));
			}),
			{ numRuns: 300 },
		);
	});

	it("is what encodeReport and encodeReportInto write for cbor", () => {
		const out = new Uint8Array(400).fill(0xee);
		const end = encodeReportInto(referenceModel, "cbor", out, 3);
		expect(hex(out.subarray(3, end))).toBe(reference(referenceModel));
		expect(hex(encodeReport(referenceModel, "cbor"))).toBe(reference(referenceModel));
		expect([out[2], out[end]]).toEqual([0xee, 0xee]);
	});

	it.each(cborNumbers)("number %s is the shortest exact form %s (as cborg writes it)", (n, expected) => {
		const tail = small({ reportId: 1, customMetrics: { m: { number: n } } }).split(hex(Buffer.from("number")))[1];
		expect(tail).toBe(expected);
		expect(hex(cborgEncode(n))).toBe(expected);
	});

	it("writes the largest float16 subnormal as float16 (the shortest exact form; cborg writes float32 here), like the reference", () => {
		const model = { reportId: 1, customMetrics: { m: { number: 1023 * 2 ** -24 } } };
		expect(small(model).split(hex(Buffer.from("number")))[1]).toBe("f903ff");
		expect(small(model)).toBe(reference(model));
		expect(cborgDecode(encodeCborReport(model))).toEqual(shortDoc(model));
	});

	it.each([
		["ASCII", "st1"],
		["2-byte", "h\u00e9llo"],
		["3-byte", "\u20ac"],
		["4-byte pair", "\ud83d\ude00"],
		["non-ASCII past 23 bytes", "\u00e9".repeat(12)],
		["non-ASCII past 255 bytes", "\u20ac".repeat(90)],
		["non-ASCII past 65535 bytes", "\u00e9".repeat(40000)],
		["ASCII past 65535 bytes", "a".repeat(70000)],
	])("writes %s text like the reference (and TextEncoder)", (_name, s) => {
		// the interface only when short: two copies of a 64 KB text would pass the 128 KB report limit
		const model: ReportModel = { reportId: 1, listeningTcpPorts: [{ port: 1, interface: s.length < 1000 ? s : "st0" }], customMetrics: { m: { string_list: [s, "ok"] } } };
		expect(small(model)).toBe(reference(model));
		expect((cborgDecode(encodeCborReport(model)) as { cmet: { m: { string_list: string[] }[] } }).cmet.m[0].string_list).toEqual([new TextDecoder().decode(new TextEncoder().encode(s)), "ok"]);
	});

	it.each([
		["lone high surrogate", "a\ud800b"],
		["lone low surrogate", "\udfff"],
		["high surrogate at the end", "x\udbff"],
	])("refuses %s text (BadText), as the JSON writers do", (_name, s) => {
		for (const model of [{ reportId: 1, listeningTcpPorts: [{ port: 1, interface: s }] }, { reportId: 1, customMetrics: { m: { string_list: [s] } } }]) {
			expect(() => encodeCborReport(model)).toThrow(expect.objectContaining({ code: "BadText" }));
			expect(() => reference(model)).toThrow(expect.objectContaining({ code: "BadText" }));
		}
	});

	it("writes custom metric names of 23, 24 and 128 characters (one- and two-byte text heads) like the reference", () => {
		const model: ReportModel = { reportId: 1, customMetrics: { ["a".repeat(23)]: { number: 1 }, ["b".repeat(24)]: { number: 2 }, ["c".repeat(128)]: { ip_list: ["::1"] } } };
		expect(small(model)).toBe(reference(model));
		expect(cborgDecode(encodeCborReport(model))).toEqual(shortDoc(model));
	});

	it("cuts port and connection lists at the cap, keeps the totals, and writes long array and map heads", () => {
		const tcp = Array.from({ length: 300 }, (_, i) => ({ port: i }));
		const connections = Array.from({ length: 30 }, (_, i) => ({ remoteAddr: `10.0.0.${i}:${1000 + i}`, localPort: i }));
		const custom = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m${i}`, { number_list: [i / 4] }]));
		const model: ReportModel = { reportId: 7, listeningTcpPorts: tcp, connections, customMetrics: custom };
		for (const cap of [1, 24, 256, 300]) {
			expect(small(model, cap)).toBe(reference(model, cap));
			const doc = cborgDecode(encodeCborReport(model, { maxListSize: cap })) as { met: { tp: { pts: unknown[]; t: number }; tc: { ec: { cs: unknown[]; t: number } } } };
			expect([doc.met.tp.pts.length, doc.met.tp.t, doc.met.tc.ec.cs.length, doc.met.tc.ec.t]).toEqual([Math.min(300, cap), 300, Math.min(30, cap), 30]);
		}
	});

	it("grows its buffer to a report larger than it, keeps the key table, and reuses the buffer", () => {
		const before = writeCbor({ reportId: 1 }, 50).buffer.byteLength;
		const big: ReportModel = { reportId: 2, listeningUdpPorts: [{ port: 1, interface: "x".repeat(before) }], connections: Array.from({ length: 50 }, (_, i) => ({ remoteAddr: `192.168.100.${i}:65000`, localPort: 65000 + i, localInterface: `interface-${i}` })) };
		const view = writeCbor(big, 50);
		expect(view.length).toBeGreaterThan(before);
		expect(view.buffer.byteLength).toBeGreaterThan(before);
		expect(hex(view)).toBe(reference(big));
		const grown = view.buffer;
		const after = writeCbor(referenceModel, 50);
		expect(after.buffer).toBe(grown);
		expect(hex(after)).toBe(reference(referenceModel));
		expect(hex(writeCbor(big, 50))).toBe(reference(big));
	});

	it("writes a non-ASCII text ending at any offset around the buffer's end exactly (its UTF-8 borrows room past its end)", () => {
		const model = (padding: number): ReportModel => ({ reportId: 1, customMetrics: { m: { string_list: ["x".repeat(padding), "\u00e9t\u00e9 \u20ac"] } } });
		const fixed = reference(model(30)).length / 2 - 30 - 1;
		for (let over = -12; over <= 12; over++) {
			const view = writeCbor({ reportId: 1 }, 50);
			const padding = view.buffer.byteLength - view.byteOffset - fixed + over;
			expect(small(model(padding))).toBe(reference(model(padding)));
		}
	});

	it("validates before writing: bad input is refused with a ReportError and the last report's bytes stay as they were", () => {
		const view = cborReportView(referenceModel);
		const kept = hex(view);
		const bad: [unknown, string][] = [
			[{ reportId: 0 }, "BadReportId"],
			[{ reportId: 1, listeningTcpPorts: [{ port: 70000 }] }, "BadPort"],
			[{ reportId: 1, connections: [{ remoteAddr: "1.2.3.4" }] }, "BadRemoteAddr"],
			[{ reportId: 1, networkStats: { bytesIn: -1, bytesOut: 0, packetsIn: 0, packetsOut: 0 } }, "BadNetworkStats"],
			[{ reportId: 1, customMetrics: { m: { number: Number.NaN } } }, "NotFinite"],
			[{ reportId: 1, customMetrics: { m: { ip_list: ["1.2.3.256"] } } }, "BadIp"],
			[{ reportId: 1, customMetrics: { m: { number_list: [1, 2, 3] } } }, "ListTooLong"],
		];
		for (const [model, code] of bad) {
			expect(() => encodeCborReport(model as ReportModel, { maxListSize: 2 })).toThrow(ReportError);
			expect(() => encodeCborReport(model as ReportModel, { maxListSize: 2 })).toThrow(expect.objectContaining({ code }));
		}
		expect(() => encodeCborReport(referenceModel, { maxListSize: 0 })).toThrow(expect.objectContaining({ code: "BadOption" }));
		expect(hex(view)).toBe(kept);
	});
});
