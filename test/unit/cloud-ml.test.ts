/* ML Detect behaviors as data (cloud-ml.data): model status, then per-step expected states and events. */
import { describe, expect, it } from "vitest";
import { METRICS } from "../../cloud/detect/catalogue";
import { DetectEngine, type ViolationEvent } from "../../cloud/detect/engine";
import { MemoryHistory } from "../../cloud/detect/ml/history";
import { MlModels } from "../../cloud/detect/ml/models";
import { mlSettings } from "../../cloud/detect/ml/options";
import { ALL_THINGS_ARN, Registry } from "../../cloud/detect/registry";
import { ML_CASES, type Expect, type MlCase } from "./cloud-ml.data";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };
const T0 = Date.UTC(2026, 0, 5);
const STEP = 300_000;
const HOUR = 3_600_000;

/** ±10 % in a fixed pattern; cloud counters of base 0 see one failure now and then. */
function historyOf(c: MlCase): MemoryHistory {
	const h = new MemoryHistory();
	const cloud = METRICS.get(c.behavior.metric ?? "")?.side === "cloud";
	for (let t = T0, i = 0; t < T0 + c.history.hours * HOUR; t += STEP, i++) {
		for (let d = 0; d < c.history.things; d++) {
			const v = c.history.base === 0 ? ((i + d) % 97 === 0 ? 1 : 0) : Math.round(c.history.base * (1 + 0.1 * Math.sin(i * 1.7 + d)));
			if (!cloud) h.add(c.behavior.metric ?? "", `dev-${d}`, t + STEP / 2, v);
			else {
				h.add("aws:num-connection-attempts", `dev-${d}`, t + STEP, 1);
				if (v > 0) h.add(c.behavior.metric ?? "", `dev-${d}`, t + STEP, v);
			}
		}
	}
	return h;
}

function stateOf(engine: DetectEngine): Expect {
	const r = engine.activeStates()[0]?.state;
	if (r?.inAlarm) return "alarm";
	return r && r.violating > 0 ? "pending" : "ok";
}

function setup(c: MlCase): { engine: DetectEngine; models: MlModels; start: number; history: MemoryHistory } {
	const registry = new Registry(nop);
	registry.createSecurityProfile({ securityProfileName: "p", behaviors: [c.behavior] });
	registry.attachSecurityProfile("p", ALL_THINGS_ARN);
	const history = historyOf(c);
	const models = new MlModels(registry, history, mlSettings(c.settings));
	const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: T0, ml: models, newViolationId: () => "v1" });
	engine.tick(T0, []);
	const start = T0 + c.evaluateAt * HOUR;
	engine.tick(start, []);
	return { engine, models, start, history };
}

function step(c: MlCase, engine: DetectEngine, t: number, value: number): ViolationEvent[] {
	const thing = c.thing ?? "dev-0";
	const metric = c.behavior.metric ?? "";
	if (METRICS.get(metric)?.side !== "cloud") return engine.report(thing, new Map([[metric, { count: value }]]), t + STEP / 2);
	engine.count(thing, "aws:num-connection-attempts", t + 1000);
	for (let i = 0; i < value; i++) engine.count(thing, metric, t + 1000);
	return engine.tick(t + STEP, [thing]);
}

describe("ML Detect behaviors", () => {
	for (const c of ML_CASES) {
		it(c.name, () => {
			const { engine, models, start } = setup(c);
			expect(models.summaries()[0]).toMatchObject({ securityProfileName: "p", behaviorName: "ml", modelStatus: c.status, trainingDataCollectionStartDate: T0 });
			c.steps.forEach((s, i) => {
				const events = step(c, engine, start + i * STEP, s.value);
				expect({ step: i, state: stateOf(engine), event: events[0]?.violationEventType }).toEqual({ step: i, state: s.state, event: s.event });
			});
		});
	}

	it("an ML event carries its confidence level; progress counts the trailing datapoints", () => {
		const c = ML_CASES[2];
		const { engine, models, start } = setup(c);
		const [e] = step(c, engine, start, 1e6);
		expect(e).toMatchObject({ violationEventType: "in-alarm", violationEventAdditionalInfo: { confidenceLevel: "HIGH" }, metricValue: { count: 1e6 } });
		expect(models.summaries()[0]).toMatchObject({ datapointsCollectionPercentage: 100, lastModelRefreshDate: start });
		const pending = setup(ML_CASES[1]).models.summaries()[0];
		// 10 things × 24 h × 12 datapoints an hour in the trailing day, of 100,000 needed
		expect(pending.datapointsCollectionPercentage).toBe(2.88);
	});

	it("retrains every refreshHours on the trailing period: a new normal is learned", () => {
		const c = ML_CASES[2];
		const { engine, models, start, history } = setup(c);
		// a day at 10× (the fleet's new firmware, recorded in the history): alarms at first, then the daily retraining learns it
		let t = start;
		const first = step(c, engine, t, 100_000);
		expect(first[0]?.violationEventType).toBe("in-alarm");
		for (; t < start + 25 * HOUR; t += STEP) {
			for (let d = 0; d < c.history.things; d++) history.add("aws:all-bytes-out", `dev-${d}`, t + STEP / 2, 100_000 + d);
			step(c, engine, t, 100_000);
			engine.tick(t + STEP, []);
		}
		expect(models.summaries()[0].lastModelRefreshDate).toBe(start + 24 * HOUR);
		expect(stateOf(engine)).toBe("ok");
	});

	it("a tick reads a bounded number of datapoints: other due models train on the next tick", () => {
		const registry = new Registry(nop);
		const behaviors = ["aws:all-bytes-out", "aws:all-bytes-in", "aws:all-packets-out"].map((metric, i) => ({ name: `b${i}`, metric, criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" as const } } }));
		registry.createSecurityProfile({ securityProfileName: "p", behaviors });
		registry.attachSecurityProfile("p", ALL_THINGS_ARN);
		const history = new MemoryHistory();
		for (let t = T0; t < T0 + 26 * HOUR; t += STEP) for (const b of behaviors) history.add(b.metric, "dev-0", t, 1000);
		const models = new MlModels(registry, history, mlSettings({ trainingDays: 1, minDatapoints: 100 }), undefined, 400);
		models.maintain(T0);
		const status = (): string[] => models.summaries().map((s) => s.modelStatus);
		models.maintain(T0 + 24 * HOUR);
		// 288 datapoints in the trailing day per metric: two checks reach the 400 budget, the third waits
		expect(status()).toEqual(["ACTIVE", "ACTIVE", "PENDING_BUILD"]);
		models.maintain(T0 + 24 * HOUR + 60_000);
		expect(status()).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
	});

	it("a removed ML behavior loses its model", () => {
		const registry = new Registry(nop, { deleteProfile() {}, deleteTarget() {}, deleteGroup() {}, deleteMember() {} });
		registry.createSecurityProfile({ securityProfileName: "p", behaviors: [ML_CASES[0].behavior] });
		const saved: string[] = [];
		const models = new MlModels(registry, new MemoryHistory(), mlSettings(), { *saveSteps(k) { saved.push(`save ${k}`); }, delete: (k) => void saved.push(`delete ${k}`) });
		models.maintain(T0);
		registry.deleteSecurityProfile("p");
		models.maintain(T0 + HOUR);
		expect(saved).toEqual(["save p\u0000ml\u0000", "delete p\u0000ml\u0000"]);
		expect(models.summaries()).toEqual([]);
	});
});
