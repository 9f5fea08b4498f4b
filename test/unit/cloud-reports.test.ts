/* Reserved-topic report intake: decoding, every reply and error code, throttle, duplicates, topics. */
import { decode as cborDecode } from "cborg";
import { encode as cborEncode } from "cbor-x";
import { describe, expect, it } from "vitest";
import { decodeReport } from "../../cloud/reports/decode";
import { intakeReport, LOWER_ID_MESSAGE, THROTTLED_MESSAGE, type IntakeOptions } from "../../cloud/reports/intake";
import { matchReportTopic, replyTopic, reportTopic } from "../../cloud/reports/topics";

const NOW = 1_767_225_600_000;
const opts: IntakeOptions = { minReportIntervalSeconds: 300, rejectLowerReportIds: false };
const json = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc));

const LONG = {
	header: { report_id: 1530304554, version: "1.0" },
	metrics: {
		listening_tcp_ports: { ports: [{ interface: "eth0", port: 24800 }, { interface: "eth0", port: 22 }], total: 2 },
		listening_udp_ports: { ports: [{ interface: "eth0", port: 5353 }], total: 1 },
		network_stats: { bytes_in: 29358693495, bytes_out: 26485035, packets_in: 10013573555, packets_out: 11382615 },
		tcp_connections: { established_connections: { connections: [{ local_interface: "eth0", local_port: 80, remote_addr: "192.168.0.1:8000" }], total: 1 } },
	},
	custom_metrics: { cpu: [{ number: 12.5 }], ids: [{ number_list: [1, 2] }], names: [{ string_list: ["a"] }], peers: [{ ip_list: ["10.0.0.1"] }] },
};
const SHORT = {
	hed: { rid: 1530304554, v: "1.0" },
	met: {
		tp: { pts: [{ if: "eth0", pt: 24800 }, { if: "eth0", pt: 22 }], t: 2 },
		up: { pts: [{ if: "eth0", pt: 5353 }], t: 1 },
		ns: { bi: 29358693495, bo: 26485035, pi: 10013573555, po: 11382615 },
		tc: { ec: { cs: [{ li: "eth0", lp: 80, rad: "192.168.0.1:8000" }], t: 1 } },
	},
	cmet: LONG.custom_metrics,
};

describe("cloud report decoding", () => {
	it("long keys, short keys and CBOR give the same metric values", () => {
		const a = decodeReport(json(LONG), "json");
		expect(decodeReport(json(SHORT), "json")).toEqual(a);
		expect(decodeReport(cborEncode(SHORT), "cbor")).toEqual(a);
		expect(Object.fromEntries(a.values)).toEqual({
			"aws:destination-ip-addresses": { cidrs: ["192.168.0.1"] },
			"aws:num-established-tcp-connections": { count: 1 },
			"aws:listening-tcp-ports": { ports: [24800, 22] },
			"aws:num-listening-tcp-ports": { count: 2 },
			"aws:listening-udp-ports": { ports: [5353] },
			"aws:num-listening-udp-ports": { count: 1 },
			"aws:all-bytes-in": { count: 29358693495 },
			"aws:all-bytes-out": { count: 26485035 },
			"aws:all-packets-in": { count: 10013573555 },
			"aws:all-packets-out": { count: 11382615 },
			cpu: { number: 12.5 },
			ids: { numbers: [1, 2] },
			names: { strings: ["a"] },
			peers: { cidrs: ["10.0.0.1"] },
		});
	});

	it("totals win over capped lists; IPv6 remote addresses lose brackets and port", () => {
		const r = decodeReport(json({ hed: { rid: 1, v: "1.0" }, met: { tp: { pts: [{ pt: 1 }], t: 60 }, tc: { ec: { cs: [{ rad: "[2001:db8::1]:443" }, { rad: "10.0.0.9:80" }] } } } }), "json");
		expect(r.values.get("aws:num-listening-tcp-ports")).toEqual({ count: 60 });
		expect(r.values.get("aws:destination-ip-addresses")).toEqual({ cidrs: ["2001:db8::1", "10.0.0.9"] });
		expect(r.values.get("aws:num-established-tcp-connections")).toEqual({ count: 2 });
	});
});

describe("cloud report intake", () => {
	const rejectedWith = (payload: Uint8Array, code: string, format: "json" | "cbor" = "json") => {
		const r = intakeReport("t1", format, payload, {}, opts, NOW);
		expect(r.kind).toBe("rejected");
		if (r.kind !== "rejected") throw new Error("not rejected");
		expect(r.reply.body.statusDetails?.ErrorCode).toBe(code);
		return r;
	};

	it("accepts with the AWS accepted shape on the accepted topic", () => {
		const r = intakeReport("t1", "json", json({ hed: { rid: 7, v: "1.0" }, met: {} }), {}, opts, NOW);
		expect(r.kind).toBe("accepted");
		if (r.kind !== "accepted") return;
		expect(r.reply.topic).toBe("$aws/things/t1/defender/metrics/json/accepted");
		expect(JSON.parse(r.reply.payload.toString())).toEqual({ thingName: "t1", reportId: 7, status: "ACCEPTED", timestamp: NOW });
		expect(r.state).toEqual({ lastReportId: 7, lastAcceptedAt: NOW });
	});

	it("replies in CBOR to CBOR reports", () => {
		const r = rejectedWith(cborEncode({ hed: { rid: 7, v: "1.0" } }), "InvalidPayload", "cbor");
		expect(r.reply.topic).toBe("$aws/things/t1/defender/metrics/cbor/rejected");
		expect(cborDecode(r.reply.payload)).toEqual({
			thingName: "t1",
			status: "REJECTED",
			statusDetails: { ErrorCode: "InvalidPayload", ErrorMessage: "Malformed metrics report" },
			timestamp: NOW,
			reportId: 7,
		});
	});

	it.each([
		["NotJson", "{hed"],
		["NotAMap", "[1,2]"],
		["NullDocument", "null"],
		["MissingHeader", '{"met":{}}'],
		["MissingMetricsAndCustom", '{"hed":{"rid":1,"v":"1.0"}}'],
		["MixedLongAndShortTopLevel", '{"header":{"report_id":1,"version":"1.0"},"hed":{"rid":1,"v":"1.0"},"met":{}}'],
		["MixedLongKeyInsideShort", '{"hed":{"rid":1,"v":"1.0"},"met":{"network_stats":{}}}'],
		["ReportIdNotInteger", '{"hed":{"rid":"1","v":"1.0"},"met":{}}'],
		["VersionNotMajorMinor", '{"hed":{"rid":1,"v":"1"},"met":{}}'],
		["NegativeBytes", '{"hed":{"rid":1,"v":"1.0"},"met":{"ns":{"bi":-1}}}'],
		["PortOutOfRange", '{"hed":{"rid":1,"v":"1.0"},"met":{"tp":{"pts":[{"pt":70000}]}}}'],
		["ConnectionWithoutRemoteAddr", '{"hed":{"rid":1,"v":"1.0"},"met":{"tc":{"ec":{"cs":[{"lp":1}]}}}}'],
		["CustomNumberNotWrapped", '{"hed":{"rid":1,"v":"1.0"},"cmet":{"m":{"number":0}}}'],
		["CustomTwoValueKinds", '{"hed":{"rid":1,"v":"1.0"},"cmet":{"m":[{"number":0,"string_list":[]}]}}'],
		["CustomNameReserved", '{"hed":{"rid":1,"v":"1.0"},"cmet":{"aws:x":[{"number":0}]}}'],
		["UnknownKey", '{"hed":{"rid":1,"v":"1.0"},"met":{},"extra":1}'],
	])("InvalidPayload: %s", (_name, text) => {
		const r = rejectedWith(Buffer.from(text), "InvalidPayload");
		expect(r.reply.body.statusDetails?.ErrorMessage).toBe("Malformed metrics report");
	});

	it("CBOR 64-bit integers (report ids in epoch ms) decode as numbers; ids beyond 2^53 are refused", () => {
		const head = Buffer.from([0xa2, 0x63, 0x68, 0x65, 0x64, 0xa2, 0x63, 0x72, 0x69, 0x64]);
		const tail = Buffer.from([0x61, 0x76, 0x63, 0x31, 0x2e, 0x30, 0x63, 0x6d, 0x65, 0x74, 0xa0]);
		const uint64 = (n: bigint): Buffer => {
			const b = Buffer.alloc(9);
			b[0] = 0x1b;
			b.writeBigUInt64BE(n, 1);
			return b;
		};
		const ok = intakeReport("t1", "cbor", Buffer.concat([head, uint64(1767225600123n), tail]), {}, opts, NOW);
		expect(ok.kind === "accepted" && ok.report.reportId).toBe(1767225600123);
		rejectedWith(Buffer.concat([head, uint64(2n ** 60n), tail]), "InvalidPayload", "cbor");
	});

	it("InvalidPayload: CorruptCbor", () => {
		rejectedWith(Buffer.from([0xbf, 0x61]), "InvalidPayload", "cbor");
	});

	it("accepts the custom number wrapped in an array (the FAQ's fix)", () => {
		expect(intakeReport("t1", "json", Buffer.from('{"hed":{"rid":1,"v":"1.0"},"cmet":{"m":[{"number":0}]}}'), {}, opts, NOW).kind).toBe("accepted");
	});

	it("Throttled under the minimum interval after an accepted report, counting from the accepted one", () => {
		const state = { lastReportId: 1, lastAcceptedAt: NOW };
		const early = intakeReport("t1", "json", json({ hed: { rid: 2, v: "1.0" }, met: {} }), state, opts, NOW + 299_999);
		expect(early.kind === "rejected" && early.reply.body).toMatchObject({ reportId: 2, statusDetails: { ErrorCode: "Throttled", ErrorMessage: THROTTLED_MESSAGE } });
		expect(intakeReport("t1", "json", json({ hed: { rid: 3, v: "1.0" }, met: {} }), state, opts, NOW + 300_000).kind).toBe("accepted");
		expect(intakeReport("t1", "json", json({ hed: { rid: 3, v: "1.0" }, met: {} }), state, { ...opts, minReportIntervalSeconds: 1 }, NOW + 1000).kind).toBe("accepted");
	});

	it("a repeated report id is discarded without a reply", () => {
		expect(intakeReport("t1", "json", json({ hed: { rid: 5, v: "1.0" }, met: {} }), { lastReportId: 5, lastAcceptedAt: NOW }, opts, NOW + 1)).toEqual({ kind: "duplicate", reportId: 5 });
	});

	it("a lower report id is accepted by default and rejected when configured", () => {
		const state = { lastReportId: 9, lastAcceptedAt: NOW };
		const doc = json({ hed: { rid: 8, v: "1.0" }, met: {} });
		expect(intakeReport("t1", "json", doc, state, opts, NOW + 300_000).kind).toBe("accepted");
		const r = intakeReport("t1", "json", doc, state, { ...opts, rejectLowerReportIds: true }, NOW + 300_000);
		expect(r.kind === "rejected" && r.reply.body.statusDetails).toEqual({ ErrorCode: "InvalidPayload", ErrorMessage: LOWER_ID_MESSAGE });
	});
});

describe("cloud reserved topics", () => {
	it("builds and matches the six topics", () => {
		expect(reportTopic("t", "cbor")).toBe("$aws/things/t/defender/metrics/cbor");
		expect(replyTopic("t", "json", "rejected")).toBe("$aws/things/t/defender/metrics/json/rejected");
		expect(matchReportTopic("$aws/things/dev-1/defender/metrics/json")).toEqual({ thing: "dev-1", format: "json" });
		expect(matchReportTopic("$aws/things/dev-1/defender/metrics/cbor")).toEqual({ thing: "dev-1", format: "cbor" });
		expect(matchReportTopic("$aws/things/dev-1/defender/metrics/json/accepted")).toBeUndefined();
		expect(matchReportTopic("$aws/things//defender/metrics/json")).toBeUndefined();
		expect(matchReportTopic("$aws/things/dev-1/shadow/update")).toBeUndefined();
		expect(matchReportTopic("other/topic")).toBeUndefined();
	});
});
