import { describe, expect, it } from "vitest";
import { encodeReport, ReportError } from "../../modules/report/report";
import type { ReportFormat, ReportModel } from "../../modules/report/report";

function codeOf(model: unknown, options?: { maxListSize?: number }, format: ReportFormat = "json-short"): string {
	try {
		encodeReport(model as ReportModel, format, options);
	} catch (e) {
		expect(e).toBeInstanceOf(ReportError);
		expect((e as ReportError).message).toMatch(/^\w+: ./);
		return (e as ReportError).code;
	}
	return "accepted";
}

const base = { reportId: 1 };

describe("report validation refuses", () => {
	it.each([
		["a missing model", null, "BadModel"],
		["a model that is a number", 5, "BadModel"],
		["a missing report id", {}, "BadReportId"],
		["a zero report id", { reportId: 0 }, "BadReportId"],
		["a negative report id", { reportId: -5 }, "BadReportId"],
		["a fractional report id", { reportId: 1.5 }, "BadReportId"],
		["a report id above 2^53", { reportId: 2 ** 53 }, "BadReportId"],
		["a report id that is a string", { reportId: "1" }, "BadReportId"],
		["a port list that is not an array", { ...base, listeningTcpPorts: {} }, "BadModel"],
		["a port entry that is null", { ...base, listeningUdpPorts: [null] }, "BadModel"],
		["a port above 65535", { ...base, listeningTcpPorts: [{ port: 65536 }] }, "BadPort"],
		["a negative port", { ...base, listeningUdpPorts: [{ port: -1 }] }, "BadPort"],
		["a fractional port", { ...base, listeningTcpPorts: [{ port: 80.5 }] }, "BadPort"],
		["a port that is a string", { ...base, listeningTcpPorts: [{ port: "80" }] }, "BadPort"],
		["a port that is NaN", { ...base, listeningTcpPorts: [{ port: NaN }] }, "NotFinite"],
		["an interface that is a number", { ...base, listeningTcpPorts: [{ port: 80, interface: 1 }] }, "BadInterface"],
		["connections that are not an array", { ...base, connections: "x" }, "BadModel"],
		["a connection that is not an object", { ...base, connections: [1] }, "BadModel"],
		["a remote address without a port", { ...base, connections: [{ remoteAddr: "10.0.0.1" }] }, "BadRemoteAddr"],
		["a remote address with a port above 65535", { ...base, connections: [{ remoteAddr: "10.0.0.1:65536" }] }, "BadRemoteAddr"],
		["a remote address with an empty port", { ...base, connections: [{ remoteAddr: "10.0.0.1:" }] }, "BadRemoteAddr"],
		["a remote address with a host name", { ...base, connections: [{ remoteAddr: "example.com:443" }] }, "BadRemoteAddr"],
		["a remote IPv6 address without brackets", { ...base, connections: [{ remoteAddr: "2001:db8::1:443" }] }, "BadRemoteAddr"],
		["a remote address in brackets that is IPv4", { ...base, connections: [{ remoteAddr: "[10.0.0.1]:443" }] }, "BadRemoteAddr"],
		["a remote address that is a number", { ...base, connections: [{ remoteAddr: 1 }] }, "BadRemoteAddr"],
		["a local port above 65535", { ...base, connections: [{ remoteAddr: "10.0.0.1:1", localPort: 70000 }] }, "BadPort"],
		["a local interface that is an object", { ...base, connections: [{ remoteAddr: "10.0.0.1:1", localInterface: {} }] }, "BadInterface"],
		["network stats that are not an object", { ...base, networkStats: 3 }, "BadModel"],
		["a negative byte count", { ...base, networkStats: { bytesIn: -1, bytesOut: 0, packetsIn: 0, packetsOut: 0 } }, "BadNetworkStats"],
		["a fractional packet count", { ...base, networkStats: { bytesIn: 0, bytesOut: 0, packetsIn: 0.5, packetsOut: 0 } }, "BadNetworkStats"],
		["a missing counter", { ...base, networkStats: { bytesIn: 0, bytesOut: 0, packetsIn: 0 } }, "BadNetworkStats"],
		["an infinite byte count", { ...base, networkStats: { bytesIn: 0, bytesOut: Infinity, packetsIn: 0, packetsOut: 0 } }, "NotFinite"],
		["custom metrics that are not an object", { ...base, customMetrics: null }, "BadModel"],
		["an empty metric name", { ...base, customMetrics: { "": { number: 1 } } }, "BadMetricName"],
		["a metric name with a space", { ...base, customMetrics: { "a b": { number: 1 } } }, "BadMetricName"],
		["a metric name with a slash", { ...base, customMetrics: { "a/b": { number: 1 } } }, "BadMetricName"],
		["a metric name of 129 characters", { ...base, customMetrics: { ["a".repeat(129)]: { number: 1 } } }, "BadMetricName"],
		["a metric name starting with aws:", { ...base, customMetrics: { "aws:x": { number: 1 } } }, "BadMetricName"],
		["a metric value that is a bare number", { ...base, customMetrics: { m: 5 } }, "BadModel"],
		["a metric value with two kinds", { ...base, customMetrics: { m: { number: 1, number_list: [] } } }, "BadMetricValue"],
		["a metric value with no kind", { ...base, customMetrics: { m: {} } }, "BadMetricValue"],
		["a metric value of an unknown kind", { ...base, customMetrics: { m: { count: 1 } } }, "BadMetricValue"],
		["a number that is a string", { ...base, customMetrics: { m: { number: "1" } } }, "BadMetricValue"],
		["a number that is NaN", { ...base, customMetrics: { m: { number: NaN } } }, "NotFinite"],
		["a number that is -Infinity", { ...base, customMetrics: { m: { number: -Infinity } } }, "NotFinite"],
		["a number list that is not an array", { ...base, customMetrics: { m: { number_list: 1 } } }, "BadMetricValue"],
		["a number list holding NaN", { ...base, customMetrics: { m: { number_list: [1, NaN] } } }, "NotFinite"],
		["a number list holding a string", { ...base, customMetrics: { m: { number_list: ["1"] } } }, "BadMetricValue"],
		["a string list holding a number", { ...base, customMetrics: { m: { string_list: [1] } } }, "BadMetricValue"],
		["an ip list holding a host name", { ...base, customMetrics: { m: { ip_list: ["localhost"] } } }, "BadIp"],
		["an ip list holding an address with a port", { ...base, customMetrics: { m: { ip_list: ["10.0.0.1:80"] } } }, "BadIp"],
		["an ip list holding a number", { ...base, customMetrics: { m: { ip_list: [167772161] } } }, "BadMetricValue"],
	])("%s", (_name, model, code) => {
		expect(codeOf(model)).toBe(code);
	});

	it("a custom list longer than maxListSize (never cut silently)", () => {
		expect(codeOf({ ...base, customMetrics: { m: { number_list: [1, 2, 3] } } }, { maxListSize: 2 })).toBe("ListTooLong");
		expect(codeOf({ ...base, customMetrics: { m: { number_list: [1, 2] } } }, { maxListSize: 2 })).toBe("accepted");
	});

	it.each([0, -1, 1.5, NaN])("maxListSize %s", (maxListSize) => {
		expect(codeOf(base, { maxListSize })).toBe("BadOption");
	});

	it.each(["xml", "JSON", "", null])("format %s", (format) => {
		expect(codeOf(base, undefined, format as ReportFormat)).toBe("BadFormat");
	});

	it("the same way in every format", () => {
		for (const format of ["json", "json-short", "cbor"] as const) expect(codeOf({ reportId: 0 }, undefined, format)).toBe("BadReportId");
	});

	it("accepts ports 0 and 65535, a name of 128 characters and aws without the colon", () => {
		const model = { reportId: 1, listeningTcpPorts: [{ port: 0 }, { port: 65535 }], customMetrics: { ["a".repeat(128)]: { number: 1 }, awsome: { number: 2 } } };
		expect(codeOf(model)).toBe("accepted");
	});
});
