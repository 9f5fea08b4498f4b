/*
 * Fleet-scale layout (issue 11): the sliced window close gives the same events as the one-go tick; the
 * percentile by selection equals the nearest rank of the sorted values; a data dir in the old layout
 * (gates, seen, states, metrics keyed by name) is moved into the per-thing tables without losing a row;
 * the columnar window keeps sums and last values apart per thing.
 */
import Database from "better-sqlite3";
import fc from "fast-check";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DetectEngine, TICK_SLICE, type ViolationEvent } from "../../cloud/detect/engine";
import { percentileOf, percentileSteps } from "../../cloud/detect/percentile";
import { ALL_THINGS_ARN, Registry } from "../../cloud/detect/registry";
import { WindowValues } from "../../cloud/detect/windows";
import { CloudStore } from "../../cloud/store";
import { tempDir } from "../helpers/cloud-setup";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };
const T0 = Date.UTC(2026, 0, 1);
const THINGS = 3 * TICK_SLICE + 17;

function fleet(): DetectEngine {
	const registry = new Registry(nop);
	registry.createSecurityProfile({
		securityProfileName: "p",
		behaviors: [
			{ name: "sent", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 3 }, durationSeconds: 300 } },
			{ name: "p90", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than-equals", statisticalThreshold: { statistic: "p90" }, durationSeconds: 300 } },
		],
	});
	registry.attachSecurityProfile("p", ALL_THINGS_ARN);
	let id = 0;
	const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: T0, newViolationId: () => `v${id++}` });
	for (let i = 0; i < THINGS; i++) {
		const thing = `t${i}`;
		for (let m = 0; m < i % 5; m++) engine.message(thing, 10, T0 + 1000);
		engine.report(thing, new Map([["aws:all-bytes-in", { count: i % 97 }]]), T0 + 2000);
	}
	return engine;
}

describe("fleet-scale layout", () => {
	it("a window close run in steps gives the events of the one-go tick, in more than one step", () => {
		const whole = fleet().tick(T0 + 300_000, []);
		const events: ViolationEvent[] = [];
		let steps = 0;
		for (const _ of fleet().tickSteps(T0 + 300_000, [], events)) steps++;
		expect(steps).toBeGreaterThan(3);
		expect(events).toEqual(whole);
		expect(whole.filter((e) => e.behavior.name === "p90").length).toBeGreaterThan(0);
		expect(whole.filter((e) => e.behavior.name === "sent").length).toBeGreaterThan(0);
	});

	it("the percentile by selection is the nearest rank of the sorted values", () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), fc.constantFrom("p0", "p10", "p50", "p90", "p99.9", "p100"), (values, statistic) => {
				const sorted = values.slice().sort((a, b) => a - b);
				const rank = Math.ceil((Number(statistic.slice(1)) / 100) * sorted.length);
				expect(percentileOf(statistic, values)).toBe(sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]);
			}),
		);
	});

	it("the percentile in steps equals the one-go percentile", () => {
		const run = (values: number[]): number | undefined => {
			const steps = percentileSteps("p90", values, 3);
			for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
		};
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e9, max: 1e9, noNaN: true })), { maxLength: 80 }), (values) => {
				expect(run(values)).toBe(percentileOf("p90", values));
			}),
		);
	});

	it("a columnar window sums and replaces per thing and metric", () => {
		const w = new WindowValues();
		for (let i = 0; i < 200; i++) w.add(`t${i}`, "a", i, "sum");
		w.add("t3", "a", 10, "sum");
		w.add("t3", "b", 7, "last");
		w.add("t3", "b", 5, "last");
		expect([w.get("t3", "a"), w.get("t3", "b"), w.get("t4", "b"), w.get("nobody", "a"), w.has("t199")]).toEqual([13, 5, undefined, undefined, true]);
		expect([...w.metrics()]).toEqual(["a", "b"]);
	});

	it("merges two rows on one key (two reports in one millisecond) byte for byte", () => {
		const s = new CloudStore(":memory:");
		const batch = (value: { count: number }) => ({ states: [], seen: [], gates: [], events: [], metrics: [{ thing: "dev", metric: "m", time: T0, value }] });
		s.writeBatch(batch({ count: 0 }));
		s.writeBatch(batch({ count: 256 }));
		expect(s.metricValues("dev", "m")).toEqual([
			{ timestamp: T0, value: { count: 0 } },
			{ timestamp: T0, value: { count: 256 } },
		]);
		s.close();
	});

	it("moves a data dir in the old layout into the per-thing tables", () => {
		const dir = join(tempDir(), "data");
		mkdirSync(dir, { recursive: true });
		const db = new Database(join(dir, "cloud.sqlite"));
		db.exec(`CREATE TABLE gates (thing TEXT PRIMARY KEY, last_report_id INTEGER, last_accepted_at INTEGER);
			CREATE TABLE seen (thing TEXT PRIMARY KEY, at INTEGER NOT NULL);
			CREATE TABLE states (key TEXT PRIMARY KEY, json TEXT NOT NULL);
			CREATE TABLE metrics (thing TEXT NOT NULL, metric TEXT NOT NULL, time INTEGER NOT NULL, value TEXT NOT NULL);`);
		db.prepare("INSERT INTO gates VALUES ('dev', 9, 1000)").run();
		db.prepare("INSERT INTO seen VALUES ('dev', 2000)").run();
		const state = { profile: "p", behavior: "b", thing: "dev", state: { inAlarm: true, violating: 0, conforming: 0, violationId: "v1", violationStartTime: 5 } };
		db.prepare("INSERT INTO states VALUES (?, ?)").run("p\u0000b\u0000dev", JSON.stringify(state));
		const put = db.prepare("INSERT INTO metrics VALUES (?, ?, ?, ?)");
		put.run("dev", "aws:all-bytes-in", T0, JSON.stringify({ count: 3 }));
		put.run("dev", "aws:listening-tcp-ports", T0, JSON.stringify({ ports: [443] }));
		put.run("dev", "aws:all-bytes-in", T0 + 300_000, JSON.stringify({ count: 4 }));
		db.close();
		const s = new CloudStore(dir);
		expect(s.loadGate("dev")).toEqual({ lastReportId: 9, lastAcceptedAt: 1000 });
		expect(s.loadStates()).toEqual([state]);
		expect(s.loadSeen()).toEqual([["dev", 2000]]);
		expect(s.metricValues("dev", "aws:all-bytes-in").map((d) => d.value.count)).toEqual([3, 4]);
		expect(s.metricValues("dev", "aws:listening-tcp-ports")).toEqual([{ timestamp: T0, value: { ports: [443] } }]);
		const tables = (s.database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('gates', 'seen', 'states', 'metrics')").all() as unknown[]).length;
		expect(tables).toBe(0);
		s.close();
	});
});
