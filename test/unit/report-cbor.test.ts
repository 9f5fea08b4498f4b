import { describe, expect, it } from "vitest";
import { decode as cborgDecode, encode as cborgEncode } from "cborg";
import { Decoder } from "cbor-x";
import { encodeReport, reportSize } from "../../modules/report/report";
import { CborWriter, halfBits } from "../fixtures/cbor-reference";
import { encodeWith } from "../../modules/report/encode";
import { SHORT } from "../../modules/report/keys";
import { encodeCborReport } from "../../modules/report/cbor-report";
import { cborNumbers } from "../fixtures/cbor-numbers";
import { referenceModel, reportFixtures } from "../fixtures/reports";

const insertionOrder = { mapSorter: undefined } as unknown as Parameters<typeof cborgEncode>[1];
// int64AsNumber: 64-bit integers as numbers (the option exists in cbor-x but not in its typings)
const cborx = new Decoder({ int64AsNumber: true, mapsAsObjects: true } as ConstructorParameters<typeof Decoder>[0]);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("report CBOR", () => {
	describe.each(reportFixtures)("$name", (f) => {
		const options = { maxListSize: f.maxListSize };
		const cbor = encodeReport(f.model, "cbor", options);

		it("decodes (cborg and cbor-x) to the short-key JSON document", () => {
			expect(cborgDecode(cbor)).toEqual(JSON.parse(f.jsonShort));
			expect(cborx.decode(cbor)).toEqual(JSON.parse(f.jsonShort));
		});

		it("is byte for byte what cborg writes for the same document in insertion order", () => {
			expect(hex(cbor)).toBe(hex(cborgEncode(JSON.parse(f.jsonShort), insertionOrder)));
		});

		it("reportSize agrees", () => {
			expect(reportSize(f.model, "cbor", options)).toBe(cbor.length);
		});
	});

	it("writes the epoch-ms report id as major type 0 with an 8-byte argument, never a float", () => {
		const cbor = encodeReport(referenceModel, "cbor");
		// a3 (map 3) 63 "hed" a2 (map 2) 63 "rid" then the id
		expect(hex(cbor.subarray(0, 12))).toBe("a363686564a263726964" + "1b" + "00");
		expect(hex(cbor.subarray(10, 19))).toBe("1b0000018bcfe5687b");
		expect(0x0000018bcfe5687b).toBe(1700000000123);
	});

	it.each(cborNumbers)("number %s is the shortest exact form %s", (n, expected) => {
		const cbor = encodeWith(new CborWriter(), SHORT, { reportId: 1, customMetrics: { m: { number: n } } }, {});
		const tail = hex(cbor).split(hex(Buffer.from("number")))[1];
		expect(tail).toBe(expected);
		expect(hex(cborgEncode(n))).toBe(expected);
	});

	it("halfBits refuses float32 values float16 cannot hold", () => {
		const bits = (x: number) => new DataView(Float32Array.of(x).buffer).getUint32(0, true);
		expect(halfBits(bits(2 ** -25))).toBe(-1);
		expect(halfBits(bits(2 ** 16))).toBe(-1);
		expect(halfBits(bits(1 + 2 ** -11))).toBe(-1);
		expect(halfBits(bits(3 * 2 ** -24))).toBe(0x0003);
		expect(halfBits(bits(2 ** -149))).toBe(-1);
		expect(halfBits(bits(3 * 2 ** -23 / 4))).toBe(-1);
	});
});

describe("CBOR-only entry", () => {
	it("encodeCborReport gives the same bytes as encodeReport cbor, for every fixture", () => {
		for (const f of reportFixtures) expect(hex(encodeCborReport(f.model, { maxListSize: f.maxListSize }))).toBe(hex(encodeReport(f.model, "cbor", { maxListSize: f.maxListSize })));
	});
});

describe("CBOR containers of 24 entries or more", () => {
	it("use a one-byte length argument, as cborg does", () => {
		const ports = Array.from({ length: 30 }, (_, i) => ({ port: 1000 + i }));
		const customMetrics = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`m${i}`, { number: i }]));
		customMetrics["a_metric_name_of_thirty_chars"] = { number: 1 };
		const model = { reportId: 1, listeningTcpPorts: ports, customMetrics };
		const cbor = encodeReport(model, "cbor");
		expect(hex(cbor)).toContain("981e");
		expect(hex(cbor)).toContain("b81a");
		expect(hex(cbor)).toContain("781d");
		const doc = JSON.parse(Buffer.from(encodeReport(model, "json-short")).toString());
		expect(hex(cbor)).toBe(hex(cborgEncode(doc, insertionOrder)));
	});
});
