/* Dimensions and the custom metric registry: rules as data (detect-definitions.data), validation, definitions. */
import { describe, expect, it } from "vitest";
import { screenCustomMetrics } from "../../cloud/detect/custom-metrics";
import { Definitions } from "../../cloud/detect/definitions";
import { DetectEngine, type ViolationEvent } from "../../cloud/detect/engine";
import { ALL_THINGS_ARN, Registry } from "../../cloud/detect/registry";
import { validateBehaviors } from "../../cloud/detect/validate";
import type { Behavior } from "../../cloud/detect/profile";
import { CUSTOM_CASES, DIMENSION_CASES, type Expect } from "./detect-definitions.data";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };
const nopDefs = { saveDimension() {}, deleteDimension() {}, saveCustomMetric() {}, deleteCustomMetric() {} };
const WINDOW = 300_000;

function setup(behavior: Behavior, define: (d: Definitions) => void): { engine: DetectEngine; defs: Definitions; registry: Registry } {
	const defs = new Definitions(nopDefs, () => 0);
	const registry = new Registry(nop, undefined, defs);
	defs.usedBy = (kind, name) => registry.profilesUsing(kind, name);
	defs.onChange(() => registry.refresh());
	define(defs);
	registry.createSecurityProfile({ securityProfileName: "p", behaviors: [behavior] });
	registry.attachSecurityProfile("p", ALL_THINGS_ARN);
	return { engine: new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: 0 }), defs, registry };
}

function stateOf(engine: DetectEngine): Expect {
	const r = engine.activeStates()[0]?.state;
	if (r?.inAlarm) return "alarm";
	return r && r.violating > 0 ? "pending" : "ok";
}

const transitions = (events: ViolationEvent[]): string[] => events.map((e) => e.violationEventType);

describe("dimension-scoped behaviors (rules as data)", () => {
	for (const c of DIMENSION_CASES) {
		it(c.name, () => {
			const { engine } = setup(c.behavior, (d) => d.createDimension({ name: "topics", type: "TOPIC_FILTER", stringValues: c.filters }));
			c.windows.forEach((w, k) => {
				const perMessage: ViolationEvent[] = [];
				w.messages.forEach(([topic, direction, bytes], i) => {
					const t = k * WINDOW + 1000 + i;
					if (direction === "sent") perMessage.push(...engine.message("dev", bytes ?? 10, t, topic));
					else engine.count("dev", direction === "received" ? "aws:num-messages-received" : "aws:num-authorization-failures", t, topic);
				});
				const closed = engine.tick((k + 1) * WINDOW, ["dev"]);
				expect({ window: k, state: stateOf(engine), events: transitions(closed), perMessage: perMessage.length }).toEqual({
					window: k,
					state: w.state,
					events: w.event ? [w.event] : [],
					perMessage: w.perMessageEvents ?? 0,
				});
			});
		});
	}

	it("an unscoped behavior on the same metric still counts every message", () => {
		const unscoped: Behavior = { name: "all", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than-equals", value: { count: 2 }, durationSeconds: 300 } };
		const { engine } = setup(unscoped, (d) => d.createDimension({ name: "topics", type: "TOPIC_FILTER", stringValues: ["x"] }));
		for (const topic of ["a", "b", "c"]) engine.message("dev", 1, 1000, topic);
		expect(transitions(engine.tick(WINDOW, ["dev"]))).toEqual(["in-alarm"]);
	});

	it("UpdateDimension takes effect for the next messages", () => {
		const { engine, defs } = setup(DIMENSION_CASES[0].behavior, (d) => d.createDimension({ name: "topics", type: "TOPIC_FILTER", stringValues: ["a"] }));
		defs.updateDimension("topics", ["b"]);
		for (const topic of ["b", "b", "b"]) engine.message("dev", 1, 1000, topic);
		expect(transitions(engine.tick(WINDOW, ["dev"]))).toEqual(["in-alarm"]);
	});
});

describe("custom metric registry (rules as data)", () => {
	for (const c of CUSTOM_CASES) {
		it(c.name, () => {
			const { engine, defs } = setup(c.behavior, (d) => {
				for (const [metricName, metricType] of Object.entries(c.registered)) d.createCustomMetric({ metricName, metricType });
			});
			c.steps.forEach((s, i) => {
				const screened = screenCustomMetrics(new Map(Object.entries(s.report)), defs);
				const events = engine.report("dev", screened.values, 1000 * (i + 1));
				expect({ step: i, state: stateOf(engine), events: transitions(events), ignored: screened.ignored.map((x) => x.name) }).toEqual({
					step: i,
					state: s.state,
					events: s.event ? [s.event] : [],
					ignored: s.ignored ?? [],
				});
			});
		});
	}

	it("says why a metric was left out", () => {
		const defs = new Definitions(nopDefs, () => 0);
		defs.createCustomMetric({ metricName: "temp", metricType: "number" });
		const { ignored } = screenCustomMetrics(new Map([["temp", { strings: ["x"] }], ["nope", { number: 1 }]]), defs);
		expect(ignored).toEqual([
			{ name: "temp", reason: "wrong type: sent as string-list, registered as number" },
			{ name: "nope", reason: "unknown custom metric (not created with CreateCustomMetric), sent as number" },
		]);
	});
});

describe("validation against the definitions", () => {
	const defs = new Definitions(nopDefs, () => 0);
	defs.createDimension({ name: "topics", type: "TOPIC_FILTER", stringValues: ["a/#"] });
	defs.createCustomMetric({ metricName: "temp", metricType: "number" });
	defs.createCustomMetric({ metricName: "procs", metricType: "string-list" });
	const count = { comparisonOperator: "less-than", value: { count: 1 }, durationSeconds: 300 };
	const cases: [string, Behavior, string[]][] = [
		["dimension on a message metric", { name: "b", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "topics", operator: "NOT_IN" }, criteria: count }, []],
		["unknown dimension", { name: "b", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "nope" }, criteria: count }, ["Behavior b: dimension nope does not exist"]],
		[
			"dimension on a device metric",
			{ name: "b", metric: "aws:all-bytes-out", metricDimension: { dimensionName: "topics" }, criteria: count },
			["Behavior b: metric aws:all-bytes-out does not support dimensions (only aws:num-messages-sent, aws:num-messages-received, aws:num-authorization-failures, aws:message-byte-size)"],
		],
		["bad operator", { name: "b", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "topics", operator: "ALL" as "IN" }, criteria: count }, ["Behavior b: metricDimension.operator must be IN or NOT_IN"]],
		["registered number metric", { name: "b", metric: "temp", criteria: { comparisonOperator: "less-than", value: { number: 3 } } }, []],
		["unregistered custom metric", { name: "b", metric: "cpu", criteria: { comparisonOperator: "less-than", value: { number: 3 } } }, ["Behavior b: custom metric cpu does not exist (create it with CreateCustomMetric first)"]],
		["value of the wrong type for the registered metric", { name: "b", metric: "procs", criteria: { comparisonOperator: "less-than", value: { number: 3 } } }, ["Behavior b: comparison operator less-than is not supported for metric procs"]],
	];
	for (const [name, behavior, errors] of cases) {
		it(name, () => expect(validateBehaviors([behavior], defs).map((e) => e.errorMessage)).toEqual(errors));
	}

	it("offline (no definitions): a metricDimension is refused", () => {
		expect(validateBehaviors([cases[0][1]]).map((e) => e.errorMessage)).toEqual(["Behavior b: dimension topics does not exist"]);
	});
});

describe("definitions", () => {
	it("validates topic filters", () => {
		const defs = new Definitions(nopDefs, () => 0);
		const bad = (stringValues: unknown): string => {
			try {
				defs.createDimension({ name: "d", type: "TOPIC_FILTER", stringValues });
				return "created";
			} catch (e) {
				return (e as Error).message;
			}
		};
		expect(bad([])).toBe("stringValues must be a list of 1 to 100 topic filters");
		expect(bad(["a/#/b"])).toBe("topic filter a/#/b: # must be a whole last level");
		expect(bad(["a+/b"])).toBe("topic filter a+/b: + must be a whole level");
		expect(bad(["a/${iot:ThingName}"])).toBe("topic filter a/${iot:ThingName}: the only substitution variable is ${iot:ClientId}");
		expect(bad(["x".repeat(257)])).toBe("a topic filter must be 1-256 characters");
		expect(bad(["a", "a"])).toBe("stringValues has duplicate topic filters");
		expect(() => defs.createDimension({ name: "d", type: "IP", stringValues: ["a"] })).toThrow("type must be TOPIC_FILTER");
	});

	it("refuses to delete a dimension or custom metric a profile uses, as AWS", () => {
		const behavior: Behavior = { name: "b", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "topics" }, criteria: { comparisonOperator: "less-than", value: { count: 1 }, durationSeconds: 300 } };
		const { defs, registry } = setup(behavior, (d) => {
			d.createDimension({ name: "topics", type: "TOPIC_FILTER", stringValues: ["a"] });
			d.createCustomMetric({ metricName: "temp", metricType: "number" });
		});
		registry.createSecurityProfile({ securityProfileName: "q", behaviors: [{ name: "t", metric: "temp", criteria: { comparisonOperator: "less-than", value: { number: 1 } } }] });
		expect(() => defs.deleteDimension("topics")).toThrow("dimension topics is used by security profile(s) p");
		expect(() => defs.deleteCustomMetric("temp")).toThrow("custom metric temp is used by security profile(s) q");
		registry.updateSecurityProfile({ securityProfileName: "q", behaviors: [] });
		defs.deleteCustomMetric("temp");
		expect(defs.listCustomMetrics()).toEqual([]);
	});

	it("a repeated create with the same clientRequestToken and definition returns the first; otherwise it already exists", () => {
		let now = 5;
		const defs = new Definitions(nopDefs, () => now);
		const first = defs.createCustomMetric({ metricName: "m", metricType: "number", clientRequestToken: "tok-1" });
		now = 9;
		expect(defs.createCustomMetric({ metricName: "m", metricType: "number", clientRequestToken: "tok-1" })).toBe(first);
		expect(() => defs.createCustomMetric({ metricName: "m", metricType: "number", clientRequestToken: "tok-2" })).toThrow("custom metric m already exists");
		expect(() => defs.updateCustomMetric("m", 3)).toThrow("displayName must be a string of at most 128 characters");
		expect(defs.updateCustomMetric("m", "Shown").lastModifiedDate).toBe(9);
	});
});
