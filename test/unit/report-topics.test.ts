import { describe, expect, it } from "vitest";
import { replyTopics, reportTopic } from "../../modules/report/report";
import type { ReportFormat } from "../../modules/report/report";

describe("report topics", () => {
	it.each([
		["json", "$aws/things/dev-1/defender/metrics/json"],
		["json-short", "$aws/things/dev-1/defender/metrics/json"],
		["cbor", "$aws/things/dev-1/defender/metrics/cbor"],
	] as const)("%s publishes on %s", (format, topic) => {
		expect(reportTopic("dev-1", format)).toBe(topic);
		expect(replyTopics("dev-1", format)).toEqual({ accepted: `${topic}/accepted`, rejected: `${topic}/rejected` });
	});

	it("has the lengths of defender.md §2.1 for a 128-byte name", () => {
		const name = "x".repeat(128);
		expect(reportTopic(name, "cbor")).toHaveLength(34 + 128);
		expect(replyTopics(name, "cbor").accepted).toHaveLength(43 + 128);
	});

	it("accepts every character of the AWS IoT thing-name pattern [a-zA-Z0-9:_-]", () => {
		expect(reportTopic("AZaz09:_-", "json")).toBe("$aws/things/AZaz09:_-/defender/metrics/json");
	});

	it.each([
		["empty", ""],
		["129 bytes", "x".repeat(129)],
		["65 two-byte characters (130 bytes)", "é".repeat(65)],
		["a slash", "a/b"],
		["a plus", "a+b"],
		["a hash", "a#"],
		["a NUL", "a\u0000"],
		["a newline", "a\nb"],
		["DEL", "a\u007f"],
		["a C1 control", "a\u0085"],
		["non-ASCII (the AWS pattern is [a-zA-Z0-9:_-])", "dev-é"],
		["a space", "a b"],
		["a dot", "a.b"],
		["not a string", 5],
	])("refuses a thing name that is %s", (_n, name) => {
		expect(() => reportTopic(name as string, "json")).toThrow(expect.objectContaining({ code: "BadThingName" }));
		expect(() => replyTopics(name as string, "cbor")).toThrow(expect.objectContaining({ code: "BadThingName" }));
	});

	it("refuses an unknown format", () => {
		expect(() => reportTopic("t", "yaml" as ReportFormat)).toThrow(expect.objectContaining({ code: "BadFormat" }));
	});
});
