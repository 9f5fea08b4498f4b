/*
 * store-fleet — the per-thing tables of the store, laid out for a fleet of a million things (issue 11):
 * the one place their schema lives (FLEET_SCHEMA; the PostgreSQL store mirrors it).
 *
 * - `things`: one row per thing: an integer id used by every other per-thing row instead of the name, and
 *   the report gate (last accepted report id and time) and the last-seen time in the same row.
 * - `behavior_keys`: (profile, behavior) → integer id.
 * - `behavior_states`: only the Detect states that differ from the initial one (in alarm, or counting
 *   datapoints towards an alarm), keyed (thing id, behavior id), WITHOUT ROWID.
 * - `metric_names`: metric name → integer id.
 * - `metric_rows`: metric history, ONE row per report (or per thing per closed cloud window), keyed
 *   (hour, thing id, time), WITHOUT ROWID, no secondary index: the values are one packed CBOR blob
 *   (metric-pack.ts). Two rows on the same key (two reports in the same millisecond) are merged by
 *   appending the blobs. Retention deletes whole hours (the leading key column), so pruning is a range
 *   delete that never scans kept rows; a row is kept until its hour is wholly past retention.
 *
 * Nothing here is loaded at start: thing ids are looked up on first use and cached.
 */
import type Database from "better-sqlite3";
import type { MetricValue } from "./detect/metric-value";
import type { BehaviorState } from "./detect/state";
import type { StateRecord } from "./detect/engine";
import type { ReportGateState } from "./reports/intake";
import { packValues, unpackValues } from "./metric-pack";

export const FLEET_SCHEMA = `
CREATE TABLE IF NOT EXISTS things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, last_report_id INTEGER, last_accepted_at INTEGER, seen INTEGER);
CREATE TABLE IF NOT EXISTS behavior_keys (id INTEGER PRIMARY KEY, profile TEXT NOT NULL, behavior TEXT NOT NULL, UNIQUE (profile, behavior));
CREATE TABLE IF NOT EXISTS behavior_states (thing INTEGER NOT NULL, behavior INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (thing, behavior)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metric_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS metric_rows (hour INTEGER NOT NULL, thing INTEGER NOT NULL, time INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (hour, thing, time)) WITHOUT ROWID;
`;

export const HOUR_MS = 3_600_000;
/** metric rows read per statement by metricHistory */
export const HISTORY_PAGE = 2_000;

/** A row of the metric history as the cloud hands it over: one metric of one thing at one time. */
export interface MetricRow {
	thing: string;
	metric: string;
	time: number;
	value: MetricValue;
}

type Run = (sql: string) => Database.Statement;

export class FleetTables {
	readonly #sql: Run;
	readonly #thingIds = new Map<string, number>();
	readonly #behaviorIds = new Map<string, number>();
	#metricIds: Map<string, number> | undefined;
	#metricNames: Map<number, string> | undefined;

	constructor(db: Database.Database, sql: Run) {
		db.exec(FLEET_SCHEMA);
		this.#sql = sql;
	}

	/** Drops the cached ids (after a failed transaction: ids it gave may not exist). */
	forgetIds(): void {
		this.#thingIds.clear();
		this.#behaviorIds.clear();
		this.#metricIds = undefined;
		this.#metricNames = undefined;
	}

	/** The thing's id, or undefined if it has none yet (`create` = give it one). */
	thingId(name: string, create: boolean): number | undefined {
		let id = this.#thingIds.get(name);
		if (id !== undefined) return id;
		id = (this.#sql("SELECT id FROM things WHERE name = ?").get(name) as { id: number } | undefined)?.id;
		if (id === undefined && create) id = Number(this.#sql("INSERT INTO things (name) VALUES (?)").run(name).lastInsertRowid);
		if (id !== undefined) this.#thingIds.set(name, id);
		return id;
	}

	gate(thing: string): ReportGateState | undefined {
		const id = this.thingId(thing, false);
		if (id === undefined) return undefined;
		const r = this.#sql("SELECT last_report_id AS id, last_accepted_at AS at FROM things WHERE id = ?").get(id) as { id: number | null; at: number | null };
		if (r.id === null && r.at === null) return undefined;
		return { lastReportId: r.id ?? undefined, lastAcceptedAt: r.at ?? undefined };
	}

	allGates(): Map<string, ReportGateState> {
		const rows = this.#sql("SELECT name, last_report_id AS id, last_accepted_at AS at FROM things WHERE id IS NOT NULL AND (last_report_id IS NOT NULL OR last_accepted_at IS NOT NULL)").all() as { name: string; id: number | null; at: number | null }[];
		return new Map(rows.map((r) => [r.name, { lastReportId: r.id ?? undefined, lastAcceptedAt: r.at ?? undefined }]));
	}

	/** Writes the report gate, and the last-seen time with it when given (one statement for both). */
	putGate(thing: string, g: ReportGateState, seen?: number): void {
		const id = this.thingId(thing, true);
		if (seen === undefined) this.#sql("UPDATE things SET last_report_id = ?, last_accepted_at = ? WHERE id = ?").run(g.lastReportId ?? null, g.lastAcceptedAt ?? null, id);
		else this.#sql("UPDATE things SET last_report_id = ?, last_accepted_at = ?, seen = ? WHERE id = ?").run(g.lastReportId ?? null, g.lastAcceptedAt ?? null, seen, id);
	}

	putSeen(thing: string, at: number): void {
		this.#sql("UPDATE things SET seen = ? WHERE id = ?").run(at, this.thingId(thing, true));
	}

	/** Every stored last-seen time (console fleet view). */
	allSeen(): Map<string, number> {
		const rows = this.#sql("SELECT name, seen FROM things WHERE seen IS NOT NULL").all() as { name: string; seen: number }[];
		return new Map(rows.map((r) => [r.name, r.seen]));
	}

	/** Every stored last accepted report time (console fleet view). */
	allAccepted(): Map<string, number> {
		const rows = this.#sql("SELECT name, last_accepted_at AS at FROM things WHERE last_accepted_at IS NOT NULL").all() as { name: string; at: number }[];
		return new Map(rows.map((r) => [r.name, r.at]));
	}

	/** The thing's stored last-seen time, if any. */
	seenOf(thing: string): number | undefined {
		const id = this.thingId(thing, false);
		if (id === undefined) return undefined;
		return (this.#sql("SELECT seen FROM things WHERE id = ?").get(id) as { seen: number | null } | undefined)?.seen ?? undefined;
	}

	/** Last-seen times of the things that have a stored Detect state (the only ones Detect reads at start). */
	seenOfStates(): [string, number][] {
		const sql = "SELECT name, seen FROM things WHERE seen IS NOT NULL AND id IN (SELECT DISTINCT thing FROM behavior_states)";
		return (this.#sql(sql).all() as { name: string; seen: number }[]).map((r) => [r.name, r.seen]);
	}

	/** Writes a state, or deletes it when it is the initial one (absent = initial) or undefined. */
	putState(key: string, r: StateRecord | undefined): void {
		const [profile, behavior, thing] = key.split("\u0000");
		const thingId = this.thingId(thing, r !== undefined && !initial(r.state));
		if (thingId === undefined) return;
		const behaviorId = this.#behaviorId(profile, behavior);
		if (!r || initial(r.state)) this.#sql("DELETE FROM behavior_states WHERE thing = ? AND behavior = ?").run(thingId, behaviorId);
		else this.#sql("INSERT OR REPLACE INTO behavior_states (thing, behavior, json) VALUES (?, ?, ?)").run(thingId, behaviorId, JSON.stringify(r.state));
	}

	states(): StateRecord[] {
		const sql = "SELECT t.name AS thing, k.profile, k.behavior, s.json FROM behavior_states s JOIN things t ON t.id = s.thing JOIN behavior_keys k ON k.id = s.behavior";
		const rows = this.#sql(sql).all() as { thing: string; profile: string; behavior: string; json: string }[];
		return rows.map((r) => ({ profile: r.profile, behavior: r.behavior, thing: r.thing, state: JSON.parse(r.json) as BehaviorState }));
	}

	/** Metric rows, grouped into one packed row per (thing, time) run. */
	putMetrics(rows: MetricRow[]): void {
		const put = this.#sql("INSERT INTO metric_rows (hour, thing, time, data) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET data = CAST(data || excluded.data AS BLOB)");
		for (let i = 0; i < rows.length; ) {
			const { thing, time } = rows[i];
			const values: [number, MetricValue][] = [];
			for (; i < rows.length && rows[i].thing === thing && rows[i].time === time; i++) values.push([this.#metricId(rows[i].metric), rows[i].value]);
			put.run(Math.floor(time / HOUR_MS), this.thingId(thing, true), time, packValues(values));
		}
	}

	/** Datapoints of one thing's metric in [startTime, endTime), oldest first, at most `limit`. */
	metricValues(thing: string, metric: string, startTime: number, endTime: number, limit = Number.POSITIVE_INFINITY): { timestamp: number; value: MetricValue }[] {
		const id = this.thingId(thing, false);
		const metricId = this.#names().ids.get(metric);
		if (id === undefined || metricId === undefined) return [];
		const out: { timestamp: number; value: MetricValue }[] = [];
		const select = this.#sql("SELECT time, data FROM metric_rows WHERE hour = ? AND thing = ? AND time >= ? AND time < ? ORDER BY time");
		for (const hour of this.#hours(startTime, endTime)) {
			for (const r of select.all(hour, id, startTime, endTime) as { time: number; data: Buffer }[]) {
				for (const [m, value] of unpackValues(r.data)) {
					if (m !== metricId) continue;
					if (out.length >= limit) return out;
					out.push({ timestamp: r.time, value });
				}
			}
		}
		return out;
	}

	/**
	 * Every datapoint of the `metrics` (of every thing) with time in [from, to), in one pass over the stored
	 * rows of the hours overlapping the range (metric_rows has no metric index: each row read is decoded and
	 * the datapoints of other metrics skipped). Handed over in pages of (the datapoints of) HISTORY_PAGE rows,
	 * each page a statement run to its end, so nothing holds the database between pages: the caller may
	 * suspend the iteration (ML training runs sliced across event-loop turns) and the cloud keeps writing meanwhile. Rows written
	 * meanwhile behind the read position are not seen; those ahead of it are.
	 */
	*metricHistoryPages(metrics: readonly string[], from: number, to: number): Generator<MetricRow[]> {
		const { ids, names } = this.#names();
		const wanted = new Set<number>();
		for (const m of metrics) {
			const id = ids.get(m);
			if (id !== undefined) wanted.add(id);
		}
		if (!wanted.size || to <= from) return;
		// keyset paging inside one hour on the primary key (a row-value range: SQLite seeks to it): each page starts after the last row read
		const sql =
			"SELECT r.thing AS id, t.name AS thing, r.time, r.data FROM metric_rows r JOIN things t ON t.id = r.thing" +
			" WHERE r.hour = ? AND (r.thing, r.time) > (?, ?) AND r.time >= ? AND r.time < ? ORDER BY r.thing, r.time LIMIT ?";
		const select = this.#sql(sql);
		for (const hour of this.#hours(from, to)) {
			let afterThing = -1;
			let afterTime = Number.MIN_SAFE_INTEGER;
			for (;;) {
				const page = select.all(hour, afterThing, afterTime, from, to, HISTORY_PAGE) as { id: number; thing: string; time: number; data: Buffer }[];
				const out: MetricRow[] = [];
				for (const r of page) {
					for (const [m, value] of unpackValues(r.data)) {
						const metric = wanted.has(m) ? names.get(m) : undefined;
						if (metric !== undefined) out.push({ thing: r.thing, metric, time: r.time, value });
					}
				}
				if (out.length) yield out;
				const last = page.at(-1);
				if (!last || page.length < HISTORY_PAGE) break;
				afterThing = last.id;
				afterTime = last.time;
			}
		}
	}

	/** The newest row of the thing holding any of `metrics` (hours newest first), as metric name → value. */
	latest(thing: string, keep: (metric: string) => boolean): Record<string, MetricValue> | undefined {
		const id = this.thingId(thing, false);
		if (id === undefined) return undefined;
		const names = this.#names().names;
		const select = this.#sql("SELECT data FROM metric_rows WHERE hour = ? AND thing = ? ORDER BY time DESC");
		for (const hour of this.#hours(0, Number.MAX_SAFE_INTEGER).reverse()) {
			for (const r of select.all(hour, id) as { data: Buffer }[]) {
				const kept = unpackValues(r.data).filter(([m]) => keep(names.get(m) ?? ""));
				if (kept.length) return Object.fromEntries(kept.map(([m, v]) => [names.get(m) ?? "", v]));
			}
		}
		return undefined;
	}

	/** Deletes at most `batch` rows of the hours wholly before `before`; returns how many. */
	pruneMetrics(before: number, batch: number): number {
		const hour = Math.floor(before / HOUR_MS);
		const sql = "DELETE FROM metric_rows WHERE (hour, thing, time) IN (SELECT hour, thing, time FROM metric_rows WHERE hour < ? LIMIT ?)";
		return this.#sql(sql).run(hour, batch).changes;
	}

	/** The stored hours that overlap [start, end), oldest first. */
	#hours(start: number, end: number): number[] {
		// two subqueries: SQLite answers a lone min() or max() from the primary key, both in one SELECT by a full scan
		const r = this.#sql("SELECT (SELECT min(hour) FROM metric_rows) AS lo, (SELECT max(hour) FROM metric_rows) AS hi").get() as { lo: number | null; hi: number | null };
		if (r.lo === null || r.hi === null) return [];
		const lo = Math.max(r.lo, Math.floor(start / HOUR_MS));
		const hi = Math.min(r.hi, Math.floor((end - 1) / HOUR_MS));
		const out: number[] = [];
		for (let h = lo; h <= hi; h++) out.push(h);
		return out;
	}

	#behaviorId(profile: string, behavior: string): number {
		const k = `${profile}\u0000${behavior}`;
		let id = this.#behaviorIds.get(k);
		if (id !== undefined) return id;
		this.#sql("INSERT OR IGNORE INTO behavior_keys (profile, behavior) VALUES (?, ?)").run(profile, behavior);
		id = (this.#sql("SELECT id FROM behavior_keys WHERE profile = ? AND behavior = ?").get(profile, behavior) as { id: number }).id;
		this.#behaviorIds.set(k, id);
		return id;
	}

	#metricId(name: string): number {
		const { ids, names } = this.#names();
		let id = ids.get(name);
		if (id !== undefined) return id;
		id = Number(this.#sql("INSERT INTO metric_names (name) VALUES (?)").run(name).lastInsertRowid);
		ids.set(name, id);
		names.set(id, name);
		return id;
	}

	#names(): { ids: Map<string, number>; names: Map<number, string> } {
		if (!this.#metricIds || !this.#metricNames) {
			const rows = this.#sql("SELECT id, name FROM metric_names").all() as { id: number; name: string }[];
			this.#metricIds = new Map(rows.map((r) => [r.name, r.id]));
			this.#metricNames = new Map(rows.map((r) => [r.id, r.name]));
		}
		return { ids: this.#metricIds, names: this.#metricNames };
	}
}

export function initial(s: BehaviorState): boolean {
	return !s.inAlarm && s.violating === 0 && s.conforming === 0 && s.violationId === undefined;
}
