/* ML behaviors' validation as data: exactly the 13 metrics AWS's ML Detect learns (+ custom numbers), nothing else. */
import { describe, expect, it } from "vitest";
import { validateBehaviors } from "../../cloud/detect/validate";

const ml = (metric: string, criteria: object = {}): object => ({ name: "b", metric, criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" }, ...criteria } });
const messages = (b: object): string[] => validateBehaviors([b]).map((e) => e.errorMessage);

const CLOUD = ["aws:num-authorization-failures", "aws:num-connection-attempts", "aws:num-disconnects", "aws:message-byte-size", "aws:num-messages-sent", "aws:num-messages-received"];
const DEVICE = [
	"aws:all-bytes-in",
	"aws:all-bytes-out",
	"aws:all-packets-in",
	"aws:all-packets-out",
	"aws:num-listening-tcp-ports",
	"aws:num-listening-udp-ports",
	"aws:num-established-tcp-connections",
];
const REFUSED = ["aws:source-ip-address", "aws:destination-ip-addresses", "aws:listening-tcp-ports", "aws:listening-udp-ports"];

describe("ML behavior validation", () => {
	it("accepts the 6 cloud-side and 7 device-side metrics AWS's ML Detect supports, and a custom number metric", () => {
		expect(CLOUD.length + DEVICE.length).toBe(13);
		for (const metric of [...CLOUD, ...DEVICE, "temperature"]) expect({ metric, errors: messages(ml(metric)) }).toEqual({ metric, errors: [] });
	});

	it.each(REFUSED)("refuses %s (IP addresses and port lists) with a message naming what ML learns", (metric) => {
		const [m] = messages(ml(metric));
		expect(m).toMatch(new RegExp(`^Behavior b: ML Detect does not support metric ${metric} \\(ML Detect learns aws:num-messages-sent, `));
		expect(m).toContain("not IP addresses or port lists");
		for (const ok of [...CLOUD, ...DEVICE]) expect(m).toContain(ok);
		for (const bad of REFUSED) expect(m.split("(")[1]).not.toContain(`${bad},`);
	});

	it.each([
		["a confidence level outside LOW/MEDIUM/HIGH", ml("aws:all-bytes-out", { mlDetectionConfig: { confidenceLevel: "VERY_HIGH" } }), "mlDetectionConfig.confidenceLevel must be LOW, MEDIUM or HIGH"],
		["no confidence level", ml("aws:all-bytes-out", { mlDetectionConfig: {} }), "mlDetectionConfig.confidenceLevel must be LOW, MEDIUM or HIGH"],
		["an operator", ml("aws:all-bytes-out", { comparisonOperator: "less-than" }), "an ML behavior takes no comparisonOperator, value or statisticalThreshold"],
		["a value", ml("aws:all-bytes-out", { value: { count: 1 } }), "an ML behavior takes no comparisonOperator, value or statisticalThreshold"],
		["a statistical threshold", ml("aws:all-bytes-out", { statisticalThreshold: { statistic: "p99" } }), "an ML behavior takes no comparisonOperator, value or statisticalThreshold"],
		["consecutiveDatapointsToAlarm 11", ml("aws:all-bytes-out", { consecutiveDatapointsToAlarm: 11 }), "consecutiveDatapointsToAlarm must be an integer between 1 and 10"],
	])("refuses %s", (_n, b, message) => {
		expect(messages(b).join("\n")).toContain(`Behavior b: ${message}`);
	});

	it("a cloud-side counter needs no durationSeconds under ML (AWS's ML criteria carry none)", () => {
		expect(messages(ml("aws:num-messages-sent"))).toEqual([]);
	});
});
