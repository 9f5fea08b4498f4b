/*
 * ML Detect upkeep in steps (issue 11: no tick holds the event loop long): the store's history read is paged,
 * so a read paused between rows leaves the database free for the cloud's writes and still sees every row;
 * maintainSteps trains the same models as maintain() in many small steps; the model's per-device baselines
 * are written a part per step under a new generation, switched to at the end (a crashed save loses nothing).
 */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MemoryHistory, ROWS_PER_STEP } from "../../cloud/detect/ml/history";
import { MlModels, type ModelRecord } from "../../cloud/detect/ml/models";
import { mlSettings } from "../../cloud/detect/ml/options";
import { ModelStore } from "../../cloud/detect/ml/store";
import { ALL_THINGS_ARN, Registry } from "../../cloud/detect/registry";
import { CloudStore, type MetricRow } from "../../cloud/store";
import { HISTORY_PAGE } from "../../cloud/store-fleet";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };
const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;
const STEP = 300_000;

function write(s: CloudStore, metrics: MetricRow[]): void {
	s.writeBatch({ states: [], seen: [], gates: [], metrics, events: [] });
}

describe("the metric history read in pages", () => {
	it("a read paused between rows lets the store write, and sees every row of every page", () => {
		const s = new CloudStore(":memory:");
		const rows: MetricRow[] = [];
		// one thing with more rows than a page (the page boundary falls inside its rows), then many things with one each
		for (let i = 0; i < HISTORY_PAGE + 300; i++) rows.push({ thing: "busy", metric: "aws:all-bytes-out", time: T0 + i, value: { count: i } });
		for (let d = 0; d < 2 * HISTORY_PAGE; d++) rows.push({ thing: `dev-${String(d).padStart(5, "0")}`, metric: "aws:all-bytes-out", time: T0 + HOUR + d, value: { count: d } });
		write(s, rows);
		const seen: MetricRow[] = [];
		let n = 0;
		let pages = 0;
		for (const page of s.metricHistoryPages(["aws:all-bytes-out"], T0, T0 + 2 * HOUR)) {
			pages++;
			for (const r of page) {
				seen.push(r);
				// the cloud's write-behind commits while the training read is paused (outside the range read)
				if (++n % 500 === 0) write(s, [{ thing: `late-${n}`, metric: "aws:all-bytes-out", time: T0 + 5 * HOUR, value: { count: 1 } }]);
			}
		}
		expect(pages).toBeGreaterThanOrEqual(3);
		expect(seen.length).toBe(rows.length);
		const key = (r: MetricRow): string => `${r.thing}@${r.time}`;
		expect(new Set(seen.map(key))).toEqual(new Set(rows.map(key)));
		expect(seen.find((r) => r.thing === "busy" && r.time === T0 + HISTORY_PAGE + 5)?.value).toEqual({ count: HISTORY_PAGE + 5 });
		s.close();
	});
});

function fleetHistory(devices: number, hours: number): MemoryHistory {
	const h = new MemoryHistory();
	for (let t = T0, i = 0; t < T0 + hours * HOUR; t += STEP, i++) {
		for (let d = 0; d < devices; d++) h.add("aws:all-bytes-out", `dev-${d}`, t, Math.round(1000 * (1 + 0.2 * Math.sin(i * 0.7 + d))));
	}
	return h;
}

function mlRegistry(): Registry {
	const registry = new Registry(nop);
	registry.createSecurityProfile({ securityProfileName: "p", behaviors: [{ name: "out", metric: "aws:all-bytes-out", criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" } } }] });
	registry.attachSecurityProfile("p", ALL_THINGS_ARN);
	return registry;
}

describe("ML upkeep in steps", () => {
	it("maintainSteps trains the model maintain() trains, in steps of a bounded number of rows", () => {
		const history = fleetHistory(60, 25);
		const datapoints = 60 * 12 * 25;
		const settings = mlSettings({ trainingDays: 1, minDatapoints: 1000 });
		/** collection starts at T0; 25 h later the trailing day is collected and the model trains */
		const twoTicks = (models: MlModels, run: (now: number) => number): number => {
			const steps = run(T0) + run(T0 + 25 * HOUR);
			expect(models.summaries().map((s) => s.modelStatus)).toEqual(["ACTIVE"]);
			return steps;
		};
		const savedOne: string[] = [];
		const one = new MlModels(mlRegistry(), history, settings, { *saveSteps(_k, r) { savedOne.push(JSON.stringify(r)); }, delete() {} });
		twoTicks(one, (now) => (one.maintain(now), 1));
		const savedSteps: string[] = [];
		const sliced = new MlModels(mlRegistry(), history, settings, { *saveSteps(_k, r) { savedSteps.push(JSON.stringify(r)); }, delete() {} });
		const steps = twoTicks(sliced, (now) => {
			let n = 0;
			for (const _ of sliced.maintainSteps(now)) n++;
			return n;
		});
		// the trailing day's rows read ROWS_PER_STEP at a time, then the training in steps of its own
		expect(steps).toBeGreaterThanOrEqual(Math.floor((datapoints * 24) / 25 / ROWS_PER_STEP));
		expect(savedSteps).toEqual(savedOne);
		expect(JSON.parse(savedSteps.at(-1) ?? "{}").status).toBe("ACTIVE");
	});

	it("the model's baselines are written a part per step under a new generation, then switched to", () => {
		const db = new Database(":memory:");
		const store = new ModelStore(db);
		const devices: Record<string, { hours: number[]; level: number; scale: number; tail: number }> = {};
		for (let d = 0; d < 5_000; d++) devices[`dev "${d}"`] = { hours: Array.from({ length: 24 }, (_, h) => h + d / 7), level: d, scale: 0.25, tail: 1.5 };
		const r: ModelRecord = {
			profile: 'p "devices":{}',
			behavior: "b",
			metric: "aws:all-bytes-out",
			collectionStart: T0,
			status: "ACTIVE",
			datapoints: 12,
			required: 10,
			lastCheck: T0,
			lastRefresh: T0,
			model: { trainedAt: T0, datapoints: 12, devices, fleet: { hours: new Array(24).fill(1), level: 0, scale: 1, tail: 2 } },
		};
		const parts = (): { generation: number; part: number }[] => db.prepare("SELECT generation, part FROM ml_model_devices WHERE key = 'k' ORDER BY generation, part").all() as { generation: number; part: number }[];
		let steps = 0;
		for (const _ of store.saveSteps("k", r)) steps++;
		expect(steps).toBeGreaterThanOrEqual(2);
		// the record's row holds no baselines: they are in parts of the first generation
		const raw = db.prepare("SELECT json FROM ml_models WHERE key = ?").get("k") as { json: string };
		expect(raw.json.length).toBeLessThan(2_000);
		expect(parts()).toEqual([0, 1, 2].map((part) => ({ generation: 1, part })));
		expect(store.load()).toEqual([r]);
		// a save that crashed after writing a part of the next generation: the record still loads whole from its own
		db.prepare("INSERT INTO ml_model_devices VALUES ('k', 2, 7, '{\"stray\":{}}')").run();
		expect(store.load()).toEqual([r]);
		// the next save drops the stray part, writes generation 2, then drops generation 1
		const retrained: ModelRecord = { ...r, lastRefresh: T0 + HOUR };
		store.save("k", retrained);
		expect(parts()).toEqual([0, 1, 2].map((part) => ({ generation: 2, part })));
		expect(store.load()).toEqual([retrained]);
		// a record without a model is written as it is
		const pending: ModelRecord = { ...r, status: "PENDING_BUILD", model: undefined };
		store.save("k", pending);
		expect(store.load()).toEqual([JSON.parse(JSON.stringify(pending))]);
		expect(parts()).toEqual([]);
		store.save("k", r);
		store.delete("k");
		expect(store.load()).toEqual([]);
		expect(parts()).toEqual([]);
	});
});
