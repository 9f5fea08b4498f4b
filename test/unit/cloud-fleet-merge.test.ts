/*
 * The fleet-scale layout (issue 11) together with what main gained beside it: ML training reads the metric
 * history from `metric_rows`; a data dir written by main's store (old `metrics` table with the ML index,
 * verification states, ML model records, dimension-scoped series) opens with nothing lost; the metrics
 * export sees every evaluated datapoint although Detect keeps no state for a conforming thing; the sliced
 * tick closes dimension-scoped series and cloud-side ML behaviors like the one-go tick did; the last report
 * read back from the packed history is the device's, not a closed window's scoped series.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DetectCloud } from "../../cloud/detect-cloud";
import { Definitions } from "../../cloud/detect/definitions";
import { DetectEngine, type EvaluatedDatapoint, type ViolationEvent } from "../../cloud/detect/engine";
import { samplesOf } from "../../cloud/detect/ml/history";
import { ModelStore } from "../../cloud/detect/ml/store";
import type { Behavior } from "../../cloud/detect/profile";
import { ALL_THINGS_ARN, Registry } from "../../cloud/detect/registry";
import { reportTopic } from "../../cloud/reports/topics";
import { CloudStore, type MetricRow } from "../../cloud/store";
import { startTestCloud, tempDir } from "../helpers/cloud-setup";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };
const nopDefs = { saveDimension() {}, deleteDimension() {}, saveCustomMetric() {}, deleteCustomMetric() {} };
const T0 = Date.UTC(2026, 0, 1);
const W = 300_000;
const HOUR = 3_600_000;

function write(s: CloudStore, metrics: MetricRow[]): void {
	s.writeBatch({ states: [], seen: [], gates: [], metrics, events: [] });
}

const all = (): boolean => true;

describe("ML history on metric_rows", () => {
	it("reads one metric of every thing in [from, to), across hours, device-side as stored", () => {
		const s = new CloudStore(":memory:");
		write(s, [
			{ thing: "a", metric: "aws:all-bytes-out", time: T0, value: { count: 10 } },
			{ thing: "a", metric: "aws:all-bytes-in", time: T0, value: { count: 99 } },
			{ thing: "b", metric: "aws:all-bytes-out", time: T0 + HOUR + 1, value: { count: 20 } },
			{ thing: "a", metric: "aws:all-bytes-out", time: T0 + 2 * HOUR, value: { count: 30 } },
			{ thing: "b", metric: "aws:listening-tcp-ports", time: T0 + 2 * HOUR, value: { ports: [80] } },
		]);
		const h = s;
		const samples = samplesOf(h, "aws:all-bytes-out", all, T0, T0 + 2 * HOUR);
		expect(samples.sort((x, y) => x.time - y.time)).toEqual([
			{ thing: "a", time: T0, value: 10 },
			{ thing: "b", time: T0 + HOUR + 1, value: 20 },
		]);
		expect(samplesOf(h, "aws:all-bytes-out", (t) => t === "a", T0, T0 + 3 * HOUR).map((x) => x.value)).toEqual([10, 30]);
		expect(samplesOf(h, "aws:all-bytes-out", all, T0 + 1, T0 + HOUR)).toEqual([]);
		expect(samplesOf(h, "aws:num-listening-tcp-ports", all, T0, T0 + 3 * HOUR)).toEqual([]);
		s.close();
	});

	it("cloud-side: a window with other cloud-side activity and no row of the counter is a 0 datapoint", () => {
		const s = new CloudStore(":memory:");
		write(s, [
			{ thing: "a", metric: "aws:num-messages-sent", time: T0 + W, value: { count: 5 } },
			{ thing: "a", metric: "aws:num-disconnects", time: T0 + W, value: { count: 1 } },
			{ thing: "a", metric: "aws:num-disconnects", time: T0 + 2 * W, value: { count: 1 } },
			{ thing: "b", metric: "aws:num-messages-sent", time: T0 + 2 * W, value: { count: 7 } },
			// a dimension-scoped series is not the counter itself
			{ thing: "b", metric: "aws:num-messages-sent[topics IN]", time: T0 + 3 * W, value: { count: 7 } },
			// device-side rows are not cloud-side activity
			{ thing: "c", metric: "aws:all-bytes-out", time: T0 + W, value: { count: 1 } },
		]);
		const samples = samplesOf(s, "aws:num-messages-sent", all, T0, T0 + HOUR);
		expect(samples.sort((x, y) => x.thing.localeCompare(y.thing) || x.time - y.time)).toEqual([
			{ thing: "a", time: T0 + W, value: 5 },
			{ thing: "a", time: T0 + 2 * W, value: 0 },
			{ thing: "b", time: T0 + 2 * W, value: 7 },
		]);
		expect(samplesOf(s, "aws:num-messages-sent", (t) => t === "b", T0, T0 + HOUR)).toEqual([{ thing: "b", time: T0 + 2 * W, value: 7 }]);
		s.close();
	});
});

describe("a data dir written before the fleet layout, with main's tables", () => {
	it("keeps verification states, ML model records and dimension series; drops the old metrics index with its table", () => {
		const dir = join(tempDir(), "data");
		mkdirSync(dir, { recursive: true });
		const db = new Database(join(dir, "cloud.sqlite"));
		db.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, thing TEXT NOT NULL, profile TEXT NOT NULL, json TEXT NOT NULL);
			CREATE TABLE metrics (thing TEXT NOT NULL, metric TEXT NOT NULL, time INTEGER NOT NULL, value TEXT NOT NULL);
			CREATE INDEX metrics_key ON metrics (thing, metric, time);
			CREATE INDEX metrics_metric_time ON metrics (metric, time);
			CREATE TABLE verification_states (violation_id TEXT PRIMARY KEY, state TEXT NOT NULL, description TEXT, time INTEGER NOT NULL);
			CREATE TABLE ml_models (key TEXT PRIMARY KEY, json TEXT NOT NULL);`);
		const event: ViolationEvent = {
			violationId: "v1",
			thingName: "dev",
			securityProfileName: "p",
			behavior: { name: "b" },
			violationEventType: "in-alarm",
			violationEventTime: T0,
		};
		db.prepare("INSERT INTO events (time, thing, profile, json) VALUES (?, ?, ?, ?)").run(T0, "dev", "p", JSON.stringify(event));
		db.prepare("INSERT INTO verification_states VALUES ('v1', 'TRUE_POSITIVE', 'checked', ?)").run(T0);
		const record = { profile: "p", behavior: "ml", metric: "aws:num-messages-sent", collectionStart: T0, status: "PENDING_BUILD", datapoints: 3, lastCheck: T0 };
		db.prepare("INSERT INTO ml_models VALUES (?, ?)").run("p\u0000ml\u0000", JSON.stringify(record));
		const put = db.prepare("INSERT INTO metrics VALUES (?, ?, ?, ?)");
		put.run("dev", "aws:num-messages-sent", T0 + W, JSON.stringify({ count: 4 }));
		put.run("dev", "aws:num-messages-sent[topics IN]", T0 + W, JSON.stringify({ count: 3 }));
		db.close();

		const s = new CloudStore(dir);
		expect(s.violationEvents().violationEvents).toEqual([{ ...event, verificationState: "TRUE_POSITIVE", verificationStateDescription: "checked" }]);
		expect(s.violationEvents({ verificationState: "TRUE_POSITIVE" }).violationEvents).toHaveLength(1);
		expect(new ModelStore(s.database).load()).toEqual([record]);
		expect(s.metricValues("dev", "aws:num-messages-sent[topics IN]")).toEqual([{ timestamp: T0 + W, value: { count: 3 } }]);
		expect(s.metricValues("dev", "aws:num-messages-sent")).toEqual([{ timestamp: T0 + W, value: { count: 4 } }]);
		expect(samplesOf(s, "aws:num-messages-sent", all, T0, T0 + HOUR)).toEqual([{ thing: "dev", time: T0 + W, value: 4 }]);
		const old = s.database.prepare("SELECT name FROM sqlite_master WHERE name IN ('metrics', 'metrics_key', 'metrics_metric_time')").all();
		expect(old).toEqual([]);
		s.close();
	});
});

function engineWith(behaviors: Behavior[], options: { ml?: ConstructorParameters<typeof DetectEngine>[1]["ml"]; topics?: string[] } = {}): DetectEngine {
	const defs = new Definitions(nopDefs, () => 0);
	const registry = new Registry(nop, undefined, defs);
	defs.usedBy = (kind, name) => registry.profilesUsing(kind, name);
	defs.onChange(() => registry.refresh());
	if (options.topics) defs.createDimension({ name: "topics", type: "TOPIC_FILTER", stringValues: options.topics });
	registry.createSecurityProfile({ securityProfileName: "p", behaviors });
	registry.attachSecurityProfile("p", ALL_THINGS_ARN);
	return new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: T0, ml: options.ml });
}

function sliced(engine: DetectEngine, now: number, connected: string[] = []): { events: ViolationEvent[]; steps: number } {
	const events: ViolationEvent[] = [];
	let steps = 0;
	for (const _ of engine.tickSteps(now, connected, events)) steps++;
	return { events, steps };
}

describe("Detect: stateless shortcut, metrics export, dimensions and ML in the sliced tick", () => {
	it("exports the conforming datapoints of a thing Detect keeps no state for", () => {
		const engine = engineWith([{ name: "out", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 100 } } }]);
		const seen: EvaluatedDatapoint[] = [];
		engine.onEvaluated((d) => seen.push(d));
		for (let i = 0; i < 3; i++) expect(engine.report("dev", new Map([["aws:all-bytes-out", { count: 5 }]]), T0 + i)).toEqual([]);
		expect(engine.activeStates()).toEqual([]);
		expect(seen.map((d) => [d.thing, d.bound.behavior.name, d.value, d.time])).toEqual([0, 1, 2].map((i) => ["dev", "out", { count: 5 }, T0 + i]));
		expect(engine.report("dev", new Map([["aws:all-bytes-out", { count: 500 }]]), T0 + 3).map((e) => e.violationEventType)).toEqual(["in-alarm"]);
		expect(seen).toHaveLength(4);
		expect(engine.report("dev", new Map([["aws:all-bytes-out", { count: 5 }]]), T0 + 4).map((e) => e.violationEventType)).toEqual(["alarm-cleared"]);
		expect(seen).toHaveLength(5);
		expect(engine.activeStates()).toEqual([]);
	});

	it("counts a dimension-scoped series in the window, alarms on it and records it under its scope key", () => {
		const engine = engineWith(
			[{ name: "scoped", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "topics", operator: "IN" }, criteria: { comparisonOperator: "less-than", value: { count: 3 }, durationSeconds: 300 } }],
			{ topics: ["a/#"] },
		);
		for (const topic of ["a/x", "a/y", "a/z", "b"]) engine.message("dev", 10, T0 + 1, topic);
		engine.count("quiet", "aws:num-messages-received", T0 + 2, "b");
		const { events } = sliced(engine, T0 + W);
		expect(events.map((e) => [e.thingName, e.violationEventType, e.metricValue])).toEqual([["dev", "in-alarm", { count: 3 }]]);
		const points = engine.takeCloudDatapoints().map((d) => [d.thing, d.metric, d.value.count, d.time]);
		expect(points).toEqual(
			expect.arrayContaining([
				["dev", "aws:num-messages-sent", 4, T0 + W],
				["dev", "aws:message-byte-size", 40, T0 + W],
				["dev", "aws:num-messages-sent[topics IN]", 3, T0 + W],
				["quiet", "aws:num-messages-received", 1, T0 + W],
			]),
		);
		expect(points).toHaveLength(4);
	});

	it("judges cloud-side ML behaviors on the closed 300 s window; model upkeep in the one-go tick, beside the sliced one", () => {
		const maintained: number[] = [];
		const ml = {
			*maintainSteps(now: number): Generator<void> {
				maintained.push(now);
			},
			violated: (_b: unknown, _t: string, value: number) => value > 2,
		};
		const engine = engineWith([{ name: "ml", metric: "aws:num-messages-sent", criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" } } }], { ml });
		const seen: EvaluatedDatapoint[] = [];
		engine.onEvaluated((d) => seen.push(d));
		for (let i = 0; i < 5; i++) engine.message("loud", 1, T0 + 1, "t");
		engine.message("calm", 1, T0 + 1, "t");
		const { events } = sliced(engine, T0 + W, ["idle"]);
		// the sliced close leaves model upkeep to its own task (the cloud runs maintainSteps beside it)
		expect(maintained).toEqual([]);
		engine.tick(T0 + 2 * W, []);
		// the one-go tick does both
		expect(maintained).toEqual([T0 + 2 * W]);
		expect(events.map((e) => [e.thingName, e.violationEventType, e.metricValue, e.violationEventAdditionalInfo])).toEqual([["loud", "in-alarm", { count: 5 }, { confidenceLevel: "HIGH" }]]);
		// every thing of the window and the connected idle one was judged, and exported
		expect(seen.map((d) => [d.thing, d.value.count]).sort()).toEqual([["calm", 1], ["idle", 0], ["loud", 5]]);
		expect(engine.activeStates().map((r) => r.thing)).toEqual(["loud"]);
	});
});

describe("Cloud on the fleet layout with dimensions", () => {
	it("keeps the scoped series in the history and the device's report as lastReport, the custom-metric counters per thing", async () => {
		const f = await startTestCloud();
		try {
			const c = f.cloud;
			if (!(c instanceof DetectCloud)) throw new Error("startCloud gives a DetectCloud");
			c.definitions.createDimension({ name: "topics", type: "TOPIC_FILTER", stringValues: ["a/#"] });
			c.definitions.createCustomMetric({ metricName: "cpu", metricType: "number" });
			const criteria = { comparisonOperator: "less-than", value: { count: 100 }, durationSeconds: 300 };
			c.createSecurityProfile({ securityProfileName: "p", behaviors: [{ name: "scoped", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "topics", operator: "IN" }, criteria }] });
			c.attachSecurityProfile("p", ALL_THINGS_ARN);
			const hooks = c.hooks();
			const report = { hed: { rid: 1, v: "1.0" }, met: { ns: { bi: 1, bo: 2, pi: 3, po: 4 } }, cmet: { cpu: [{ number: 5 }], unknown: [{ number: 1 }] } };
			hooks.fromDevice("dev", reportTopic("dev", "json"), Buffer.from(JSON.stringify(report)));
			for (const topic of ["a/x", "a/y", "b"]) hooks.fromDevice("dev", topic, Buffer.from("hi"));
			f.clock.setWall(f.clock.now() + W);
			c.tick();
			const end = f.clock.now() - (f.clock.now() % W);
			expect(c.listMetricValues("dev", "aws:num-messages-sent[topics IN]")).toEqual([{ timestamp: end, value: { count: 2 } }]);
			expect(c.listMetricValues("dev", "aws:num-messages-sent")).toEqual([{ timestamp: end, value: { count: 4 } }]);
			const m = c.metrics("dev");
			expect(m.lastReport).toEqual({ "aws:all-bytes-in": { count: 1 }, "aws:all-bytes-out": { count: 2 }, "aws:all-packets-in": { count: 3 }, "aws:all-packets-out": { count: 4 }, cpu: { number: 5 }, unknown: { number: 1 } });
			expect([m.reportsAccepted, m["aws:num-messages-sent"], m.customMetricsIgnored, m.lastIgnoredCustomMetric?.name]).toEqual([1, 4, 1, "unknown"]);
			expect(c.metrics("other").customMetricsIgnored).toBeUndefined();
		} finally {
			await f.cleanup();
		}
	});
});
