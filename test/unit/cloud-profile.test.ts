/* Security profile validation: each way AWS would refuse a profile, as validationErrors, and the registry. */
import { describe, expect, it } from "vitest";
import { validateBehaviors, validateSecurityProfile } from "../../cloud/detect/validate";
import { ALL_THINGS_ARN, Registry, parseTargetArn, thingGroupArn } from "../../cloud/detect/registry";
import { CloudError } from "../../cloud/errors";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };
const messages = (json: unknown): string[] => validateSecurityProfile(json).map((e) => e.errorMessage);
const behavior = (b: object): string[] => validateBehaviors([b]).map((e) => e.errorMessage);

describe("cloud profile validation", () => {
	it("accepts the AWS documentation shapes", () => {
		expect(
			messages({
				securityProfileName: "Camera_1",
				securityProfileDescription: "cameras",
				behaviors: [
					{ name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8888] } } },
					{ name: "size", metric: "aws:message-byte-size", criteria: { comparisonOperator: "greater-than", value: { count: 5000 }, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 } },
					{ name: "stat", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", statisticalThreshold: { statistic: "p90" }, durationSeconds: 900 } },
					{ name: "ml", metric: "aws:num-messages-sent", criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" } }, suppressAlerts: true },
					{ name: "custom", metric: "cpu_usage", criteria: { comparisonOperator: "less-than", value: { number: 80 } } },
				],
				alertTargets: { SNS: { alertTargetArn: "arn:aws:sns:us-east-1:123456789012:alerts", roleArn: "arn:aws:iam::123456789012:role/r" } },
				additionalMetricsToRetainV2: [{ metric: "aws:num-authorization-failures" }],
				tags: [{ Key: "k", Value: "v" }],
				metricsExportConfig: { mqttTopic: "$aws/rules/export", roleArn: "arn:aws:iam::123456789012:role/export" },
			}),
		).toEqual([]);
	});

	it.each([
		["not an object", [], "a security profile must be a JSON object"],
		["bad name", { securityProfileName: "bad name" }, "securityProfileName must match [a-zA-Z0-9:_-]{1,128}"],
		["unknown key", { securityProfileName: "p", behaviours: [] }, 'security profile: unknown parameter "behaviours"'],
		["long description", { securityProfileName: "p", securityProfileDescription: "x".repeat(1001) }, "securityProfileDescription must be a string of at most 1000 characters"],
		["alert target type", { securityProfileName: "p", alertTargets: { EMAIL: { alertTargetArn: "a", roleArn: "r" } } }, "alertTargets: unknown alert target type EMAIL (only SNS)"],
		["alert target arn", { securityProfileName: "p", alertTargets: { SNS: { roleArn: "r" } } }, "alertTargets.SNS: alertTargetArn and roleArn are required"],
		["alertTargets not map", { securityProfileName: "p", alertTargets: [] }, "alertTargets must be a map"],
		["retain", { securityProfileName: "p", additionalMetricsToRetainV2: [{}] }, "additionalMetricsToRetainV2: each entry needs a metric"],
		["export", { securityProfileName: "p", metricsExportConfig: { mqttTopic: "t", roleArn: "short" } }, "metricsExportConfig needs mqttTopic (1-512 characters) and roleArn (20-2048 characters)"],
		["behaviors not list", { securityProfileName: "p", behaviors: {} }, "behaviors must be a list"],
	])("profile: %s", (_n, json, message) => {
		expect(messages(json)).toContain(message);
	});

	it.each([
		["no name", { metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 } } }, "Behavior #0: name must match [a-zA-Z0-9:_-]{1,128}"],
		["no metric", { name: "b", criteria: {} }, "Behavior b: metric is required"],
		["unknown aws metric", { name: "b", metric: "aws:cpu", criteria: {} }, "Behavior b: unknown metric aws:cpu"],
		["no criteria", { name: "b", metric: "aws:all-bytes-in" }, "Behavior b: criteria is required"],
		["unknown criteria key", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 }, duration: 300 } }, 'Behavior b: unknown parameter "duration"'],
		["no operator", { name: "b", metric: "aws:all-bytes-in", criteria: { value: { count: 1 } } }, "Behavior b: comparisonOperator is required"],
		["wrong operator", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "in-port-set", value: { ports: [1] } } }, "Behavior b: comparison operator in-port-set is not supported for metric aws:all-bytes-in"],
		["no value", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than" } }, "Behavior b: value is required for a static behavior"],
		["two values", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1, number: 2 } } }, "Behavior b: value must have exactly one of count, cidrs, ports, number, numbers, strings"],
		["wrong value field", { name: "b", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { cidrs: ["10.0.0.0/8"] } } }, "Behavior b: metric aws:listening-tcp-ports with in-port-set needs value.ports"],
		["negative count", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: -1 } } }, "Behavior b: value.count must be an integer >= 0"],
		["bad duration", { name: "b", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 1 }, durationSeconds: 60 } }, "Behavior b: durationSeconds must be one of 300, 600, 900, 1800, 3600"],
		["missing duration", { name: "b", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 1 } } }, "Behavior b: durationSeconds is required for metric aws:num-messages-sent"],
		["duration on list", { name: "b", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [1] }, durationSeconds: 300 } }, "Behavior b: durationSeconds cannot be used with list-based metric aws:listening-tcp-ports"],
		["alarm count", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 }, consecutiveDatapointsToAlarm: 11 } }, "Behavior b: consecutiveDatapointsToAlarm must be an integer between 1 and 10"],
		["clear count", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 }, consecutiveDatapointsToClear: 0 } }, "Behavior b: consecutiveDatapointsToClear must be an integer between 1 and 10"],
		["statistic", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", statisticalThreshold: { statistic: "p95" }, durationSeconds: 300 } }, "Behavior b: statisticalThreshold.statistic must be one of p0, p0.1, p0.01, p1, p10, p50, p90, p99, p99.9, p99.99, p100"],
		["statistic + value", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 }, statisticalThreshold: { statistic: "p90" }, durationSeconds: 300 } }, "Behavior b: use either value or statisticalThreshold, not both"],
		["statistic no duration", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", statisticalThreshold: { statistic: "p90" } } }, "Behavior b: statisticalThreshold needs durationSeconds"],
		["statistic on list", { name: "b", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", statisticalThreshold: { statistic: "p90" } } }, "Behavior b: statisticalThreshold needs a numeric metric"],
		["ml level", { name: "b", metric: "aws:all-bytes-in", criteria: { mlDetectionConfig: { confidenceLevel: "MAX" } } }, "Behavior b: mlDetectionConfig.confidenceLevel must be LOW, MEDIUM or HIGH"],
		["ml metric", { name: "b", metric: "aws:listening-tcp-ports", criteria: { mlDetectionConfig: { confidenceLevel: "LOW" } } }, "Behavior b: ML Detect does not support metric aws:listening-tcp-ports (ML Detect learns aws:num-messages-sent, aws:num-messages-received, aws:num-authorization-failures, aws:num-connection-attempts, aws:num-disconnects, aws:message-byte-size, aws:all-bytes-in, aws:all-bytes-out, aws:all-packets-in, aws:all-packets-out, aws:num-listening-tcp-ports, aws:num-listening-udp-ports, aws:num-established-tcp-connections and custom number metrics; not IP addresses or port lists)"],
		["ml + operator", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", mlDetectionConfig: { confidenceLevel: "LOW" } } }, "Behavior b: an ML behavior takes no comparisonOperator, value or statisticalThreshold"],
		["dimension", { name: "b", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "TopicFilter" }, criteria: { comparisonOperator: "less-than", value: { count: 1 }, durationSeconds: 300 } }, "Behavior b: dimension TopicFilter does not exist"],
		["unknown behavior key", { name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 } }, suppress: true }, 'Behavior b: unknown parameter "suppress"'],
		["custom string in-set", { name: "b", metric: "procs", criteria: { comparisonOperator: "less-than", value: { strings: ["a"] } } }, "Behavior b: comparison operator less-than is not supported for metric procs"],
	])("behavior: %s", (_n, b, message) => {
		expect(behavior(b)).toContain(message);
	});

	it("list-level limits", () => {
		const b = (name: string) => ({ name, metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 } } });
		expect(validateBehaviors([b("a"), b("a")]).map((e) => e.errorMessage)).toEqual(["Behavior a: duplicate behavior name"]);
		expect(validateBehaviors(Array.from({ length: 101 }, (_, i) => b(`b${i}`)))[0].errorMessage).toBe("a security profile has at most 100 behaviors, got 101");
		const many = { name: "m", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: Array.from({ length: 1001 }, (_, i) => i) } } };
		expect(validateBehaviors([many])[0].errorMessage).toBe("a security profile has at most 1000 value elements");
		expect(validateBehaviors(["x"])[0].errorMessage).toBe("behaviors[0] must be an object");
	});
});

describe("cloud registry", () => {
	it("refuses invalid, duplicate and dangling requests with stable codes", () => {
		const r = new Registry(nop);
		const code = (fn: () => unknown): string => {
			try {
				fn();
				return "none";
			} catch (e) {
				return (e as CloudError).code;
			}
		};
		expect(code(() => r.createSecurityProfile({ securityProfileName: "p", behaviors: [{ name: "b" }] }))).toBe("InvalidRequest");
		r.createSecurityProfile({ securityProfileName: "p" });
		expect(code(() => r.createSecurityProfile({ securityProfileName: "p" }))).toBe("ResourceAlreadyExists");
		expect(code(() => r.attachSecurityProfile("nope", ALL_THINGS_ARN))).toBe("ResourceNotFound");
		expect(code(() => r.attachSecurityProfile("p", thingGroupArn("missing")))).toBe("ResourceNotFound");
		expect(code(() => r.attachSecurityProfile("p", "arn:aws:s3:::bucket"))).toBe("InvalidRequest");
		expect(code(() => r.addThingToThingGroup("t", "missing"))).toBe("ResourceNotFound");
		expect(code(() => r.createThingGroup("bad group"))).toBe("InvalidRequest");
		for (let i = 0; i < 5; i++) {
			r.createSecurityProfile({ securityProfileName: `q${i}` });
			r.attachSecurityProfile(`q${i}`, ALL_THINGS_ARN);
		}
		expect(code(() => r.attachSecurityProfile("p", ALL_THINGS_ARN))).toBe("LimitExceeded");
		expect(r.listSecurityProfiles().find((p) => p.securityProfileName === "q0")?.targets).toEqual([ALL_THINGS_ARN]);
	});

	it("parses every target ARN kind", () => {
		expect(parseTargetArn("arn:aws:iot:us-east-1:123456789012:all/things")).toEqual({ kind: "all" });
		expect(parseTargetArn("arn:aws:iot:us-east-1:123456789012:all/registered-things")).toEqual({ kind: "all" });
		expect(parseTargetArn("arn:aws:iot:us-east-1:123456789012:all/unregistered-things")).toEqual({ kind: "none" });
		expect(parseTargetArn("arn:aws:iot:eu-west-1:1:thinggroup/cams")).toEqual({ kind: "group", group: "cams" });
	});
});
