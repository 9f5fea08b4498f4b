/*
 * store-migrate — moves a data dir written before the fleet layout (tables gates, seen, states and
 * metrics keyed by thing name, one JSON row per metric) into store-fleet.ts's tables, once, in one
 * transaction, then drops the old tables (and with `metrics` its indexes, the ML module's old one on
 * (metric, time) included). Rows are copied as they are: nothing is lost; dimension-scoped series keep their
 * `<metric>[<dimension> <IN|NOT_IN>]` names. Tables not keyed by thing (verification_states, ml_models,
 * dimensions and custom metrics, mitigation, policies) are not touched: their layout is unchanged.
 */
import type Database from "better-sqlite3";
import type { StateRecord } from "./detect/engine";
import type { MetricValue } from "./detect/metric-value";
import type { FleetTables } from "./store-fleet";

const OLD = ["gates", "seen", "states", "metrics"];

export function migrateFleetTables(db: Database.Database, fleet: FleetTables): void {
	const present = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${OLD.map(() => "?").join(", ")})`).all(...OLD) as { name: string }[]).map((r) => r.name);
	if (!present.length) return;
	const has = (t: string): boolean => present.includes(t);
	db.transaction(() => {
		if (has("gates")) {
			for (const r of db.prepare("SELECT * FROM gates").all() as Iterable<{ thing: string; last_report_id: number | null; last_accepted_at: number | null }>) {
				fleet.putGate(r.thing, { lastReportId: r.last_report_id ?? undefined, lastAcceptedAt: r.last_accepted_at ?? undefined });
			}
		}
		if (has("seen")) for (const r of db.prepare("SELECT thing, at FROM seen").all() as { thing: string; at: number }[]) fleet.putSeen(r.thing, r.at);
		if (has("states")) {
			for (const r of db.prepare("SELECT key, json FROM states").all() as { key: string; json: string }[]) fleet.putState(r.key, JSON.parse(r.json) as StateRecord);
		}
		if (has("metrics")) {
			const rows = db.prepare("SELECT thing, metric, time, value FROM metrics ORDER BY thing, time, rowid").all() as { thing: string; metric: string; time: number; value: string }[];
			fleet.putMetrics(rows.map((r) => ({ thing: r.thing, metric: r.metric, time: r.time, value: JSON.parse(r.value) as MetricValue })));
		}
		for (const t of present) db.exec(`DROP TABLE ${t}`);
	})();
}
