/* Detect rule behaviors, per-step expected states (cf. Prometheus TestKeepFiringFor), from cloud-rules.data. */
import { describe, expect, it } from "vitest";
import { DetectEngine } from "../../cloud/detect/engine";
import { ALL_THINGS_ARN, Registry } from "../../cloud/detect/registry";
import { RULE_CASES, type Expect } from "./cloud-rules.data";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };

function stateOf(engine: DetectEngine): Expect {
	const r = engine.activeStates()[0]?.state;
	if (r?.inAlarm) return "alarm";
	return r && r.violating > 0 ? "pending" : "ok";
}

describe("cloud rule behaviors", () => {
	for (const c of RULE_CASES) {
		it(c.name, () => {
			const registry = new Registry(nop);
			registry.createSecurityProfile({ securityProfileName: "p", behaviors: [c.behavior] });
			registry.attachSecurityProfile("p", ALL_THINGS_ARN);
			const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: 0 });
			c.steps.forEach((s, i) => {
				const events = engine.report("dev", new Map([[c.behavior.metric!, s.value]]), 1000 * (i + 1));
				expect({ step: i, state: stateOf(engine), event: events[0]?.violationEventType }).toEqual({ step: i, state: s.state, event: s.event });
			});
		});
	}

	it("a report without the behavior's metric is no datapoint", () => {
		const registry = new Registry(nop);
		registry.createSecurityProfile({ securityProfileName: "p", behaviors: [RULE_CASES[0].behavior] });
		registry.attachSecurityProfile("p", ALL_THINGS_ARN);
		const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: 0 });
		expect(engine.report("dev", new Map([["aws:all-bytes-in", { count: 1e9 }]]), 1)).toEqual([]);
		expect(engine.activeStates()).toEqual([]);
	});

	it("in-alarm and alarm-cleared carry the same violationId and the metric value", () => {
		const registry = new Registry(nop);
		registry.createSecurityProfile({ securityProfileName: "p", behaviors: [RULE_CASES[0].behavior] });
		registry.attachSecurityProfile("p", ALL_THINGS_ARN);
		let n = 0;
		const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: 0, newViolationId: () => `v${++n}` });
		const [a] = engine.report("dev", new Map([["aws:all-bytes-out", { count: 5000 }]]), 10);
		const [b] = engine.report("dev", new Map([["aws:all-bytes-out", { count: 1 }]]), 20);
		expect(a).toMatchObject({ violationId: "v1", violationEventType: "in-alarm", metricValue: { count: 5000 }, violationEventTime: 10, thingName: "dev" });
		expect(b).toMatchObject({ violationId: "v1", violationEventType: "alarm-cleared", metricValue: { count: 1 }, violationEventTime: 20 });
	});
});
