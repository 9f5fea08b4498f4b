import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXS, XSError } from "./xs-harness";
import type { XSWorker } from "./xs-harness";
import { encodeReport, parseReply } from "../../modules/report/report";
import { reportFixtures } from "../fixtures/reports";

const FORMATS = ["json", "json-short", "cbor"] as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
let xs: XSWorker;

beforeAll(async () => {
	xs = await startXS(new URL("./entries/core-entry.ts", import.meta.url));
});
afterAll(async () => {
	await xs.close();
});

describe("report encoders on XS", () => {
	for (const f of reportFixtures) {
		it.each(FORMATS)(`${f.name}: %s is byte for byte the Node output`, async (format) => {
			const { result } = await xs.call<Uint8Array>("encode", f.model, format, f.maxListSize);
			expect(hex(result)).toBe(hex(encodeReport(f.model, format, { maxListSize: f.maxListSize })));
			if (format !== "cbor") expect(Buffer.from(result).toString()).toBe(format === "json" ? f.jsonLong : f.jsonShort);
		});
	}

	it("encodes the fixtures bundled into XS exactly as Node does", async () => {
		const { result } = await xs.call<Uint8Array[][]>("encodeFixtures");
		expect(result.map((row) => row.map(hex))).toEqual(reportFixtures.map((f) => FORMATS.map((format) => hex(encodeReport(f.model, format, { maxListSize: f.maxListSize })))));
	});

	it.each(FORMATS)("refuses a lone surrogate as Node does (%s)", async (format) => {
		const model = { reportId: 1, customMetrics: { m: { string_list: ["a\ud800b", "\udfff"] } } };
		expect(() => encodeReport(model, format)).toThrow(expect.objectContaining({ code: "BadText" }));
		await expect(xs.call("encode", model, format)).rejects.toEqual(expect.objectContaining({ name: "ReportError", code: "BadText" }));
	});

	it.each(FORMATS)("cuts a report to the byte limit as Node does (%s)", async (format) => {
		const connections = Array.from({ length: 120 }, (_, i) => ({ remoteAddr: `[2001:db8::${i.toString(16)}]:8883`, localPort: 1000 + i, localInterface: "st0" }));
		const model = { reportId: 1, connections };
		const node = encodeReport(model, format, { maxListSize: 120, maxBytes: 4096 });
		expect(node.length).toBeLessThanOrEqual(4096);
		const { result } = await xs.call<Uint8Array>("encode", model, format, 120, 4096);
		expect(hex(result)).toBe(hex(node));
	});

	it("refuses bad input with the same ReportError code", async () => {
		const bad = { reportId: 1, customMetrics: { m: { ip_list: ["1.2.3.256"] } } };
		await expect(xs.call("encode", bad, "cbor")).rejects.toEqual(expect.objectContaining({ name: "ReportError", code: "BadIp" }));
		await expect(xs.call("encode", { reportId: 1 }, "xml")).rejects.toBeInstanceOf(XSError);
	});

	it("parses replies like Node", async () => {
		const payload = new Uint8Array(Buffer.from('{"thingName":"t","reportId":5,"status":"REJECTED","statusDetails":{"ErrorCode":"Throttled","ErrorMessage":"slow down"},"timestamp":1}'));
		const { result } = await xs.call("reply", payload, "json");
		expect(result).toEqual(parseReply(payload, "json"));
		const cbor = encodeReport({ reportId: 7 }, "cbor");
		await expect(xs.call("reply", cbor, "cbor")).rejects.toEqual(expect.objectContaining({ code: "BadReply" }));
	});

	it("builds the same topics", async () => {
		const { result } = await xs.call("topics", "dev-1:x_y", "cbor");
		expect(result).toEqual(["$aws/things/dev-1:x_y/defender/metrics/cbor", "$aws/things/dev-1:x_y/defender/metrics/cbor/accepted", "$aws/things/dev-1:x_y/defender/metrics/cbor/rejected"]);
	});
});
