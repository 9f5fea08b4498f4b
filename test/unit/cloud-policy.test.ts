/* Per-thing topic policy: own prefix, allowed filters with ${iot:ClientId}, reserved-topic rules, MQTT matching. */
import { describe, expect, it } from "vitest";
import { filterCovers, TopicPolicy, topicMatches } from "../../cloud/broker/policy";

const policy = new TopicPolicy(["/rogue/agent", "devices/${iot:ClientId}/#", "fleet/+/status"]);

describe("cloud topic policy", () => {
	it("publish: own topics and allowed filters only, never the reply topics", () => {
		expect(policy.publish("t1", "$aws/things/t1/defender/metrics/json").allowed).toBe(true);
		expect(policy.publish("t1", "$aws/things/t1/shadow/update").allowed).toBe(true);
		expect(policy.publish("t1", "/rogue/agent").allowed).toBe(true);
		expect(policy.publish("t1", "devices/t1/x/y").allowed).toBe(true);
		expect(policy.publish("t1", "fleet/a/status").allowed).toBe(true);
		expect(policy.publish("t1", "devices/t2/x")).toEqual({ allowed: false, reason: "thing t1 is not authorized to publish to devices/t2/x" });
		expect(policy.publish("t1", "$aws/things/t2/defender/metrics/json").allowed).toBe(false);
		expect(policy.publish("t1", "$aws/things/t1/defender/metrics/cbor/accepted")).toEqual({
			allowed: false,
			reason: "publishing to reply topic $aws/things/t1/defender/metrics/cbor/accepted is not allowed",
		});
	});

	it("subscribe: reply topics yes, the publish topics (also via wildcards) no", () => {
		expect(policy.subscribe("t1", "$aws/things/t1/defender/metrics/json/accepted").allowed).toBe(true);
		expect(policy.subscribe("t1", "$aws/things/t1/defender/metrics/json/+").allowed).toBe(true);
		expect(policy.subscribe("t1", "$aws/things/t1/defender/metrics/cbor").allowed).toBe(false);
		expect(policy.subscribe("t1", "$aws/things/t1/defender/metrics/+").allowed).toBe(false);
		expect(policy.subscribe("t1", "$aws/things/t1/#").allowed).toBe(false);
		expect(policy.subscribe("t1", "$aws/things/t1/shadow/#").allowed).toBe(true);
		expect(policy.subscribe("t1", "devices/t1/#").allowed).toBe(true);
		expect(policy.subscribe("t1", "devices/+/#").allowed).toBe(false);
		expect(policy.subscribe("t1", "fleet/+/status").allowed).toBe(true);
		expect(policy.subscribe("t1", "fleet/#").allowed).toBe(false);
		expect(policy.subscribe("t1", "#").allowed).toBe(false);
	});

	it("MQTT matching rules", () => {
		expect(topicMatches("a/+/c", "a/b/c")).toBe(true);
		expect(topicMatches("a/#", "a")).toBe(true);
		expect(topicMatches("a/+", "a/b/c")).toBe(false);
		expect(topicMatches("a/b", "a")).toBe(false);
		expect(topicMatches("#", "$SYS/x")).toBe(false);
		expect(topicMatches("+/x", "$aws/x")).toBe(false);
		expect(filterCovers("a/+", "a/b")).toBe(true);
		expect(filterCovers("a/+", "a/#")).toBe(false);
		expect(filterCovers("a/b", "a/b/c")).toBe(false);
		expect(filterCovers("a/b/c", "a/b")).toBe(false);
	});
});
