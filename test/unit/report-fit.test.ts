/*
 * Reports fit AWS IoT's 128 KB (LIMITS.maxPayloadBytes) or a smaller maxBytes: port and connection
 * lists are cut shorter and `total` stays true; the driver's own totals (a truncated C table) are
 * written as `total`; JSON and CBOR both refuse a lone UTF-16 surrogate; the report id refusal
 * names 2^53 - 1.
 */
import { decode } from "cbor-x";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../modules/facts/facts";
import { encodeReport, ReportError } from "../../modules/report/report";
import type { ReportFormat, ReportModel } from "../../modules/report/report";

const FORMATS: ReportFormat[] = ["json", "json-short", "cbor"];

/** The decoded report with long or short keys looked up by the long name. */
function decoded(bytes: Uint8Array, format: ReportFormat): { connections: unknown[]; total: number; tcpTotal?: number; tcpPorts?: unknown[] } {
	const doc = format === "cbor" ? decode(bytes) : JSON.parse(Buffer.from(bytes).toString("utf8"));
	const long = format === "json";
	const metrics = doc[long ? "metrics" : "met"];
	const ec = metrics[long ? "tcp_connections" : "tc"][long ? "established_connections" : "ec"];
	const tcp = metrics[long ? "listening_tcp_ports" : "tp"];
	return {
		connections: ec[long ? "connections" : "cs"],
		total: ec[long ? "total" : "t"],
		tcpTotal: tcp?.[long ? "total" : "t"],
		tcpPorts: tcp?.[long ? "ports" : "pts"],
	};
}

function connections(n: number): ReportModel["connections"] {
	return Array.from({ length: n }, (_, i) => ({
		remoteAddr: `[2001:db8:ffff:ffff:ffff:ffff:ffff:${(i % 0xffff).toString(16)}]:65535`,
		localPort: 1 + (i % 65535),
		localInterface: "st0",
	}));
}

function codeOf(model: ReportModel, format: ReportFormat, options?: { maxListSize?: number; maxBytes?: number }): { code: string; message: string } {
	try {
		encodeReport(model, format, options);
	} catch (e) {
		expect(e).toBeInstanceOf(ReportError);
		return { code: (e as ReportError).code, message: (e as Error).message };
	}
	return { code: "accepted", message: "" };
}

describe("reports fit in 128 KB", () => {
	it.each(FORMATS)("%s: 3000 connections are cut to fit LIMITS.maxPayloadBytes and total stays 3000", (format) => {
		const model: ReportModel = { reportId: 7, connections: connections(3000), networkStats: { bytesIn: 1, bytesOut: 2, packetsIn: 3, packetsOut: 4 } };
		const bytes = encodeReport(model, format, { maxListSize: 5000 });
		expect(bytes.length).toBeLessThanOrEqual(LIMITS.maxPayloadBytes);
		const report = decoded(bytes, format);
		expect(report.total).toBe(3000);
		expect(report.connections.length).toBeGreaterThan(100);
		expect(report.connections.length).toBeLessThan(3000);
	});

	it.each(FORMATS)("%s: a smaller maxBytes (the device's 4 KB) cuts the 100 listed connections too", (format) => {
		const bytes = encodeReport({ reportId: 7, connections: connections(100) }, format, { maxBytes: 4096, maxListSize: 100 });
		expect(bytes.length).toBeLessThanOrEqual(4096);
		const report = decoded(bytes, format);
		expect(report.total).toBe(100);
		expect(report.connections.length).toBeLessThan(100);
		expect(report.connections.length).toBeGreaterThan(10);
	});

	it.each(FORMATS)("%s: custom metrics too large for any cut are refused as TooLarge", (format) => {
		const big = { reportId: 1, customMetrics: { names: { string_list: ["x".repeat(3000), "y".repeat(3000)] } } };
		const { code, message } = codeOf(big, format, { maxBytes: 4096 });
		expect(code).toBe("TooLarge");
		expect(message).toContain("4096");
	});

	it("refuses maxBytes above AWS IoT's limit", () => {
		expect(codeOf({ reportId: 1 }, "json", { maxBytes: LIMITS.maxPayloadBytes + 1 }).code).toBe("BadOption");
	});
});

describe("the driver's true totals", () => {
	it.each(FORMATS)("%s: totals from a truncated driver list are written as total", (format) => {
		const model: ReportModel = {
			reportId: 3,
			listeningTcpPorts: Array.from({ length: 16 }, (_, i) => ({ port: 1000 + i })),
			connections: connections(16),
			totals: { listeningTcpPorts: 40, connections: 25 },
		};
		const report = decoded(encodeReport(model, format), format);
		expect([report.tcpTotal, report.tcpPorts?.length, report.total, report.connections.length]).toEqual([40, 16, 25, 16]);
	});

	it("refuses a total below its list's length", () => {
		expect(codeOf({ reportId: 1, connections: connections(3), totals: { connections: 2 } }, "cbor").code).toBe("BadModel");
	});
});

describe("text", () => {
	it.each(FORMATS)("%s: refuses a lone surrogate in an interface name and in a string list", (format) => {
		expect(codeOf({ reportId: 1, listeningTcpPorts: [{ port: 1, interface: "st\ud800" }] }, format).code).toBe("BadText");
		expect(codeOf({ reportId: 1, customMetrics: { s: { string_list: ["a\udc00b"] } } }, format).code).toBe("BadText");
	});

	it("JSON and CBOR agree on a well-formed surrogate pair", () => {
		const model: ReportModel = { reportId: 1, customMetrics: { s: { string_list: ["\ud83d\ude00 ok"] } } };
		const json = JSON.parse(Buffer.from(encodeReport(model, "json-short")).toString("utf8"));
		const cbor = decode(encodeReport(model, "cbor"));
		expect(json.cmet.s[0].string_list).toEqual(["\ud83d\ude00 ok"]);
		expect(cbor.cmet.s[0].string_list).toEqual(["\ud83d\ude00 ok"]);
	});
});

describe("report ids", () => {
	it.each(FORMATS)("%s: the refusal names the 2^53 - 1 limit", (format) => {
		const { code, message } = codeOf({ reportId: 2 ** 53 }, format);
		expect(code).toBe("BadReportId");
		expect(message).toContain("2^53 - 1");
		expect(message).toContain(String(LIMITS.maxReportId));
	});
});
