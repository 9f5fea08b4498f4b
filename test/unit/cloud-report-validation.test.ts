/* Report validation (issue 8): each case is named after how the input is wrong; JSON and CBOR alike; exact replies. */
import { describe, expect, it } from "vitest";
import { decodeReport, DecodeError } from "../../cloud/reports/decode";
import { intakeReport, type IntakeOptions } from "../../cloud/reports/intake";
import { DECISION_CASES, DUPLICATE_CASES, jsonBytes, REMOTE_ADDR_CASES, REPORT_ID_CASES, UTF8_CASES, type ReportCase } from "../fixtures/report-cases";
import { decodeReply, expectedReply } from "../helpers/report-replies";

const NOW = 1_767_225_600_000;
const opts: IntakeOptions = { minReportIntervalSeconds: 300, rejectLowerReportIds: false };

function check(c: ReportCase): void {
	const r = intakeReport("dev", c.format, c.payload, {}, opts, NOW);
	expect(r.kind).toBe(c.verdict);
	if (r.kind === "duplicate") throw new Error("unexpected duplicate");
	expect(r.reply.topic).toBe(`$aws/things/dev/defender/metrics/${c.format}/${c.verdict}`);
	const body = decodeReply(c.format, r.reply.payload);
	expect(body).toEqual(expectedReply(c, "dev", NOW));
	expect(Object.keys(body).sort()).toEqual(Object.keys(expectedReply(c, "dev", NOW)).sort());
}

const title = (c: ReportCase): string => `${c.verdict} (${c.format}): ${c.name}`;

describe("report validation: invalid UTF-8 anywhere", () => {
	it.each(UTF8_CASES.map((c) => [title(c), c] as const))("%s", (_t, c) => check(c));
});

describe("report validation: duplicate map keys at every level", () => {
	it.each(DUPLICATE_CASES.map((c) => [title(c), c] as const))("%s", (_t, c) => check(c));
});

describe("report validation: remote_addr is ip:port or [ipv6]:port", () => {
	it.each(REMOTE_ADDR_CASES.map((c) => [title(c), c] as const))("%s", (_t, c) => check(c));

	it("accepts IPv4 and bracketed IPv6 with ports, and Detect gets the bare address", () => {
		const r = decodeReport(jsonBytes('{"hed":{"rid":1,"v":"1.0"},"met":{"tc":{"ec":{"cs":[{"rad":"10.0.0.1:0"},{"rad":"[::ffff:10.0.0.2]:65535"},{"rad":"[2001:db8::1]:443"}]}}}}'), "json");
		expect(r.values.get("aws:destination-ip-addresses")).toEqual({ cidrs: ["10.0.0.1", "::ffff:10.0.0.2", "2001:db8::1"] });
	});
});

describe("report validation: report id is an integer 1..2^53-1", () => {
	it.each(REPORT_ID_CASES.map((c) => [title(c), c] as const))("%s", (_t, c) => check(c));

	it("says why, for the log", () => {
		const detail = (text: string): string => {
			try {
				decodeReport(jsonBytes(text), "json");
			} catch (e) {
				return (e as DecodeError).detail;
			}
			return "accepted";
		};
		expect(detail('{"hed":{"rid":9007199254740993,"v":"1.0"},"met":{}}')).toMatch(/integer beyond 2\^53-1/);
		expect(detail('{"hed":{"rid":5.0,"v":"1.0"},"met":{}}')).toMatch(/rid is written as a float/);
		expect(detail('{"hed":{"rid":0,"v":"1.0"},"met":{}}')).toMatch(/\/hed\/rid must be >= 1/);
		expect(detail('{"hed":{"rid":1,"rid":1,"v":"1.0"},"met":{}}')).toMatch(/duplicate map key "rid"/);
		expect(detail('{"hed":{"rid":1,"v":"1.0"},"met":{"tc":{"ec":{"cs":[{"rad":"x"}]}}}}')).toMatch(/rad must match format "remote-addr"/);
	});
});

describe("report validation: decisions where the spec is silent", () => {
	it.each(DECISION_CASES.map((c) => [title(c), c] as const))("%s", (_t, c) => check(c));
});
