/*
 * simulate — runs a synthetic fleet (fleet.ts) through the real Detect engine with ML models: the training
 * days go straight into the metric history as the store would hold it (device-side rows per report,
 * cloud-side rows per 300 s window with a non-zero count); the evaluation days go through DetectEngine
 * (reports, counted broker events, the tick that closes windows and retrains the models daily), and every
 * datapoint is appended to the history as the cloud records it. Returns the violation events per profile.
 */
import { DetectEngine, type ViolationEvent } from "../../cloud/detect/engine";
import type { MetricValue } from "../../cloud/detect/metric-value";
import { MemoryHistory } from "../../cloud/detect/ml/history";
import { MlModels, type ModelSummary } from "../../cloud/detect/ml/models";
import type { MlSettings } from "../../cloud/detect/ml/options";
import type { SecurityProfile } from "../../cloud/detect/profile";
import { ALL_THINGS_ARN, Registry } from "../../cloud/detect/registry";
import { BENCH_METRICS, STEP_MS, type Fleet } from "./fleet";

const CLOUD = new Set<string>(["aws:num-authorization-failures", "aws:num-messages-sent"]);
const DEVICE = BENCH_METRICS.filter((m) => !CLOUD.has(m));
const REPORT_OFFSET = 150_000;
const COUNT_OFFSET = 100_000;

export interface SimResult {
	events: Map<string, ViolationEvent[]>;
	/** model summaries one hour into the evaluation (training is spread over ticks: models.ts SAMPLES_PER_TICK) */
	summaries: ModelSummary[];
}

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };

function train(fleet: Fleet, history: MemoryHistory): void {
	for (let t = fleet.start; t < fleet.evalStart; t += STEP_MS) {
		for (const d of fleet.devices) {
			const p = fleet.datapoint(d, t);
			for (const m of DEVICE) history.add(m, d.name, t + REPORT_OFFSET, p[m]);
			for (const m of CLOUD) if (p[m as keyof typeof p] > 0) history.add(m, d.name, t + STEP_MS, p[m as keyof typeof p]);
		}
	}
}

export function simulate(fleet: Fleet, settings: MlSettings, profiles: SecurityProfile[]): SimResult {
	const registry = new Registry(nop);
	for (const p of profiles) {
		registry.createSecurityProfile(p);
		registry.attachSecurityProfile(p.securityProfileName, ALL_THINGS_ARN);
	}
	const history = new MemoryHistory();
	const ml = new MlModels(registry, history, settings);
	const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: fleet.start, ml });
	engine.tick(fleet.start, []);
	train(fleet, history);
	const names = fleet.devices.map((d) => d.name);
	const events = new Map<string, ViolationEvent[]>(profiles.map((p) => [p.securityProfileName, []]));
	const keep = (list: ViolationEvent[]): void => list.forEach((e) => events.get(e.securityProfileName)?.push(e));
	engine.tick(fleet.evalStart, names);
	engine.takeCloudDatapoints();
	let summaries = ml.summaries();
	for (let t = fleet.evalStart; t < fleet.end; t += STEP_MS) {
		if (t === fleet.evalStart + 3_600_000) summaries = ml.summaries();
		for (const d of fleet.devices) {
			const p = fleet.datapoint(d, t);
			for (const m of CLOUD) for (let i = 0; i < p[m as keyof typeof p]; i++) engine.count(d.name, m, t + COUNT_OFFSET);
			const values = new Map<string, MetricValue>(DEVICE.map((m) => [m, { count: p[m] }]));
			keep(engine.report(d.name, values, t + REPORT_OFFSET));
			for (const m of DEVICE) history.add(m, d.name, t + REPORT_OFFSET, p[m]);
		}
		keep(engine.tick(t + STEP_MS, names));
		for (const c of engine.takeCloudDatapoints()) if (c.value.count !== undefined) history.add(c.metric, c.thing, c.time, c.value.count);
	}
	return { events, summaries };
}
