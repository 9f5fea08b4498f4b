/*
 * persisted — what the cloud's own tables already remember per thing across restarts, read for the
 * console through the store (store-fleet.ts `things` and `metric_rows`): last-seen times, last accepted
 * report times (the report gates), metric datapoints with a limit, and violation events by id.
 */
import type Database from "better-sqlite3";
import type { MetricValue } from "../detect/metric-value";
import type { CloudStore } from "../store";

export class Persisted {
	readonly #store: CloudStore;

	constructor(store: CloudStore) {
		this.#store = store;
	}

	lastSeen(): Map<string, number> {
		return this.#store.lastSeenTimes();
	}

	lastAccepted(): Map<string, number> {
		return this.#store.lastAcceptedTimes();
	}

	/** Metric datapoints of one thing's metric in [start, end), oldest first, at most `limit`. */
	metricRows(thing: string, metric: string, start: number, end: number, limit: number): { time: number; value: MetricValue }[] {
		return this.#store.metricValuesUpTo(thing, metric, start, end, limit).map((r) => ({ time: r.timestamp, value: r.value }));
	}

	lastSeenOf(thing: string): number | null {
		return this.#store.lastSeenOf(thing) ?? null;
	}

	lastAcceptedOf(thing: string): number | null {
		return this.#store.loadGate(thing)?.lastAcceptedAt ?? null;
	}
}

/** Violation-event lookups by violation id (not indexed: used for single ids only). */
export class EventLookup {
	readonly #first: Database.Statement;

	constructor(db: Database.Database) {
		this.#first = db.prepare("SELECT time, json_extract(json, '$.violationEventType') AS type FROM events WHERE json_extract(json, '$.violationId') = ? ORDER BY seq LIMIT 1");
	}

	/** The first recorded event of a violation (its in-alarm), or undefined. */
	first(violationId: string): { time: number; type: string } | undefined {
		return this.#first.get(violationId) as { time: number; type: string } | undefined;
	}
}
