/*
 * persisted — what the cloud's own tables already remember per thing across restarts, read for the
 * console: last-seen times (Detect's `seen`), last accepted report times (the report gates), metric rows
 * with a row limit, and violation events by id.
 */
import type Database from "better-sqlite3";
import type { MetricValue } from "../detect/metric-value";

export class Persisted {
	readonly #seen: Database.Statement;
	readonly #accepted: Database.Statement;
	readonly #seenOne: Database.Statement;
	readonly #acceptedOne: Database.Statement;
	readonly #metrics: Database.Statement;

	constructor(db: Database.Database) {
		this.#metrics = db.prepare("SELECT time, value FROM metrics WHERE thing = ? AND metric = ? AND time >= ? AND time < ? ORDER BY time LIMIT ?");
		this.#seen = db.prepare("SELECT thing, at FROM seen");
		this.#accepted = db.prepare("SELECT thing, last_accepted_at AS at FROM gates WHERE last_accepted_at IS NOT NULL");
		this.#seenOne = db.prepare("SELECT at FROM seen WHERE thing = ?");
		this.#acceptedOne = db.prepare("SELECT last_accepted_at AS at FROM gates WHERE thing = ?");
	}

	lastSeen(): Map<string, number> {
		return new Map((this.#seen.all() as { thing: string; at: number }[]).map((r) => [r.thing, r.at]));
	}

	lastAccepted(): Map<string, number> {
		return new Map((this.#accepted.all() as { thing: string; at: number }[]).map((r) => [r.thing, r.at]));
	}

	/** Metric rows of one thing's metric in [start, end), oldest first, at most `limit`. */
	metricRows(thing: string, metric: string, start: number, end: number, limit: number): { time: number; value: MetricValue }[] {
		const rows = this.#metrics.all(thing, metric, start, end, limit) as { time: number; value: string }[];
		return rows.map((r) => ({ time: r.time, value: JSON.parse(r.value) as MetricValue }));
	}

	lastSeenOf(thing: string): number | null {
		return (this.#seenOne.get(thing) as { at: number } | undefined)?.at ?? null;
	}

	lastAcceptedOf(thing: string): number | null {
		return (this.#acceptedOne.get(thing) as { at: number | null } | undefined)?.at ?? null;
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
