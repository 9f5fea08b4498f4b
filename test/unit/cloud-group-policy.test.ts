/*
 * Thing-group policies as data: a policy document, a thing, an action on a topic or filter, and the verdict
 * of the documents alone and of the broker's TopicPolicy with them as overlay.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TopicPolicy } from "../../cloud/broker/policy";
import { evaluate, parsePolicyDocument, type PolicyAction } from "../../cloud/policies/document";

const QUARANTINE = readFileSync(resolve(import.meta.dirname, "../../profiles/QuarantinePolicy.json"), "utf8");
const ALLOW_TELEMETRY = JSON.stringify({ Statement: { Effect: "Allow", Action: ["iot:Publish", "iot:Subscribe", "iot:Receive"], Resource: ["arn:aws:iot:us-east-1:123:topic/telemetry/${iot:ClientId}", "arn:aws:iot:*:*:topicfilter/telemetry/${iot:ClientId}"] } });

type Verdict = "allow" | "deny" | undefined;
const CASES: [string, string, PolicyAction, string, Verdict][] = [
	// document, thing, action, topic or filter, verdict
	[QUARANTINE, "dev-1", "publish", "/rogue/agent", "deny"],
	[QUARANTINE, "dev-1", "receive", "/rogue/agent", "deny"],
	[QUARANTINE, "dev-1", "subscribe", "/rogue/agent", "deny"],
	[QUARANTINE, "dev-1", "publish", "$aws/things/dev-1/defender/metrics/json", undefined],
	[QUARANTINE, "dev-1", "receive", "$aws/things/dev-1/defender/metrics/json/accepted", undefined],
	[QUARANTINE, "dev-1", "subscribe", "$aws/things/dev-1/defender/metrics/json/accepted", undefined],
	[QUARANTINE, "dev-1", "publish", "$aws/things/dev-2/defender/metrics/json", "deny"],
	[QUARANTINE, "dev-1", "publish", "$aws/things/dev-1/shadow/update", "deny"],
	[QUARANTINE, "dev-1", "subscribe", "$aws/things/dev-1/#", "deny"],
	[ALLOW_TELEMETRY, "dev-1", "publish", "telemetry/dev-1", "allow"],
	[ALLOW_TELEMETRY, "dev-1", "publish", "telemetry/dev-2", undefined],
	[ALLOW_TELEMETRY, "dev-1", "subscribe", "telemetry/dev-1", "allow"],
	[ALLOW_TELEMETRY, "dev-1", "subscribe", "telemetry/+", undefined],
];

describe("thing-group policy documents", () => {
	it.each(CASES)("%#: %s on %s %s %s → %s", (doc, thing, action, name, verdict) => {
		expect(evaluate([parsePolicyDocument(doc)], thing, action, name)).toBe(verdict);
	});

	it("a Deny in one document wins over an Allow in another", () => {
		const allowAll = parsePolicyDocument(JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iot:*", Resource: "*" }] }));
		expect(evaluate([allowAll, parsePolicyDocument(QUARANTINE)], "dev-1", "publish", "/rogue/agent")).toBe("deny");
		expect(evaluate([allowAll], "dev-1", "publish", "/rogue/agent")).toBe("allow");
	});

	it.each([
		["not JSON", "{", /not valid JSON/],
		["iot:Connect", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iot:Connect", Resource: "*" }] }), /iot:Connect is not supported/],
		["a condition", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "iot:Publish", Resource: "*", Condition: {} }] }), /Condition is not supported/],
		["an unknown variable", JSON.stringify({ Statement: [{ Effect: "Deny", Action: "iot:Publish", Resource: "arn:aws:iot:*:*:topic/${iot:Connection.Thing.Attributes[x]}" }] }), /unsupported policy variable/],
		["a client resource", JSON.stringify({ Statement: [{ Effect: "Deny", Action: "iot:Publish", Resource: "arn:aws:iot:*:*:client/x" }] }), /unsupported resource/],
		["both Resource and NotResource", JSON.stringify({ Statement: [{ Effect: "Deny", Action: "iot:Publish", Resource: "*", NotResource: "*" }] }), /exactly one of Resource and NotResource/],
		["a bad Effect", JSON.stringify({ Statement: [{ Effect: "Maybe", Action: "iot:Publish", Resource: "*" }] }), /Effect must be Allow or Deny/],
	])("refuses %s", (_what, doc, message) => {
		expect(() => parsePolicyDocument(doc)).toThrow(message);
	});

	it("as the broker's overlay: a Deny beats the allowed filters and the own prefix, the Defender rules stay", () => {
		const doc = parsePolicyDocument(QUARANTINE);
		const quarantined = new Set(["dev-1"]);
		const policy = new TopicPolicy(["/rogue/agent"], { decide: (t, a, n) => (quarantined.has(t) ? evaluate([doc], t, a, n) : undefined) });
		expect(policy.publish("dev-1", "/rogue/agent")).toMatchObject({ allowed: false, drop: true });
		expect(policy.subscribe("dev-1", "/rogue/agent").allowed).toBe(false);
		expect(policy.receive("dev-1", "/rogue/agent").allowed).toBe(false);
		expect(policy.publish("dev-1", "$aws/things/dev-1/shadow/update").allowed).toBe(false);
		expect(policy.publish("dev-1", "$aws/things/dev-1/defender/metrics/json").allowed).toBe(true);
		expect(policy.receive("dev-1", "$aws/things/dev-1/defender/metrics/json/accepted").allowed).toBe(true);
		expect(policy.publish("dev-1", "$aws/things/dev-1/defender/metrics/json/accepted").allowed).toBe(false);
		expect(policy.subscribe("dev-1", "$aws/things/dev-1/defender/metrics/json").allowed).toBe(false);
		expect(policy.publish("dev-2", "/rogue/agent").allowed).toBe(true);
		expect(policy.receive("dev-2", "/rogue/agent").allowed).toBe(true);
	});
});
