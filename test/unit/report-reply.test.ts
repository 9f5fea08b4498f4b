import { describe, expect, it } from "vitest";
import { encode as cborgEncode } from "cborg";
import { parseReply } from "../../modules/report/report";
import type { ReportFormat } from "../../modules/report/report";

const json = (o: unknown) => new Uint8Array(Buffer.from(typeof o === "string" ? o : JSON.stringify(o)));
const bad = (payload: Uint8Array, format: ReportFormat = "json") => expect(() => parseReply(payload, format)).toThrow(expect.objectContaining({ code: "BadReply" }));

const rejected = { thingName: "myThing", reportId: 1700000000123, status: "REJECTED", statusDetails: { ErrorCode: "InvalidPayload", ErrorMessage: "Malformed metrics report" }, timestamp: 1635802047699 };
const accepted = { thingName: "myThing", reportId: 1700000000123, status: "ACCEPTED", timestamp: 1635801636023 };

describe("parseReply", () => {
	it.each(["json", "json-short"] as const)("reads an accepted %s reply", (format) => {
		expect(parseReply(json(accepted), format)).toEqual({ status: "ACCEPTED", reportId: 1700000000123, thingName: "myThing", timestamp: 1635801636023 });
	});

	it("reads a rejected JSON reply with its error code and message", () => {
		expect(parseReply(json(rejected), "json")).toEqual({ status: "REJECTED", reportId: 1700000000123, thingName: "myThing", errorCode: "InvalidPayload", errorMessage: "Malformed metrics report", timestamp: 1635802047699 });
	});

	it("reads the same replies from CBOR", () => {
		expect(parseReply(cborgEncode(rejected), "cbor")).toEqual(parseReply(json(rejected), "json"));
		expect(parseReply(cborgEncode(accepted), "cbor")).toEqual(parseReply(json(accepted), "json"));
	});

	it("reads a minimal reply and ignores unknown members", () => {
		expect(parseReply(json({ status: "REJECTED", statusDetails: {}, extra: [1, { a: null }] }), "json")).toEqual({ status: "REJECTED" });
		expect(parseReply(cborgEncode({ status: "ACCEPTED", extra: [true, false, null, 1.5, -3, new Uint8Array([1])] }), "cbor")).toEqual({ status: "ACCEPTED" });
	});

	it.each([
		["not JSON", "{"],
		["not an object", "[1]"],
		["null", "null"],
		["without status", { reportId: 1 }],
		["with an unknown status", { status: "OK" }],
		["with a string report id", { status: "ACCEPTED", reportId: "1" }],
		["with a string timestamp", { status: "ACCEPTED", timestamp: "now" }],
		["with a numeric thing name", { status: "ACCEPTED", thingName: 1 }],
		["with statusDetails that is a string", { status: "REJECTED", statusDetails: "x" }],
		["with statusDetails that is null", { status: "REJECTED", statusDetails: null }],
		["with a numeric ErrorCode", { status: "REJECTED", statusDetails: { ErrorCode: 1 } }],
		["with a numeric ErrorMessage", { status: "REJECTED", statusDetails: { ErrorMessage: 1 } }],
	])("refuses a JSON reply %s", (_n, o) => {
		bad(json(o));
	});

	it("refuses a JSON reply that is not UTF-8", () => {
		bad(new Uint8Array([0x7b, 0xff, 0x7d]));
	});

	it("refuses an unknown format", () => {
		expect(() => parseReply(json(accepted), "xml" as ReportFormat)).toThrow(expect.objectContaining({ code: "BadFormat" }));
	});

	it("refuses a CBOR reply that is a byte string", () => {
		bad(cborgEncode(new Uint8Array([1, 2])), "cbor");
	});
});
