/*
 * persisted — what the cloud's own tables already remember per thing across restarts, read for the
 * console through the store (store-fleet.ts `things` and `metric_rows`, the violation history): last-seen
 * times, last accepted report times (the report gates), metric datapoints with a limit, and the first event
 * of a violation. Asynchronous, so that the same routes serve the embedded SQLite store (answered at once)
 * and PostgreSQL (PgStore's queries, after what the cloud has queued is committed).
 */
import type Database from "better-sqlite3";
import type { MetricValue } from "../detect/metric-value";
import type { CloudStore } from "../store";
import type { PgStore } from "../store/pg-store";

export interface ConsoleReads {
	lastSeen(): Promise<Map<string, number>>;
	lastAccepted(): Promise<Map<string, number>>;
	/** Metric datapoints of one thing's metric in [start, end), oldest first, at most `limit`. */
	metricRows(thing: string, metric: string, start: number, end: number, limit: number): Promise<{ time: number; value: MetricValue }[]>;
	lastSeenOf(thing: string): Promise<number | null>;
	lastAcceptedOf(thing: string): Promise<number | null>;
	/** The first recorded event of a violation (its in-alarm), or undefined. */
	firstEvent(violationId: string): Promise<{ time: number; type: string } | undefined>;
}

/** The embedded store: every read answered from the SQLite file at once. */
export class SqliteReads implements ConsoleReads {
	readonly #store: CloudStore;
	readonly #first: Database.Statement;

	constructor(store: CloudStore) {
		this.#store = store;
		// not indexed: used for single ids only
		this.#first = store.database.prepare("SELECT time, json_extract(json, '$.violationEventType') AS type FROM events WHERE json_extract(json, '$.violationId') = ? ORDER BY seq LIMIT 1");
	}

	async lastSeen(): Promise<Map<string, number>> {
		return this.#store.lastSeenTimes();
	}

	async lastAccepted(): Promise<Map<string, number>> {
		return this.#store.lastAcceptedTimes();
	}

	async metricRows(thing: string, metric: string, start: number, end: number, limit: number): Promise<{ time: number; value: MetricValue }[]> {
		return this.#store.metricValuesUpTo(thing, metric, start, end, limit).map((r) => ({ time: r.timestamp, value: r.value }));
	}

	async lastSeenOf(thing: string): Promise<number | null> {
		return this.#store.lastSeenOf(thing) ?? null;
	}

	async lastAcceptedOf(thing: string): Promise<number | null> {
		return this.#store.loadGate(thing)?.lastAcceptedAt ?? null;
	}

	async firstEvent(violationId: string): Promise<{ time: number; type: string } | undefined> {
		return this.#first.get(violationId) as { time: number; type: string } | undefined;
	}
}

/** PostgreSQL (`--database`): each read waits until the writes the cloud has queued are committed. */
export class PgReads implements ConsoleReads {
	readonly #pg: PgStore;
	readonly #drained: () => Promise<void>;

	constructor(pg: PgStore, drained: () => Promise<void>) {
		this.#pg = pg;
		this.#drained = drained;
	}

	async lastSeen(): Promise<Map<string, number>> {
		await this.#drained();
		return this.#pg.allSeen();
	}

	async lastAccepted(): Promise<Map<string, number>> {
		await this.#drained();
		return this.#pg.allAccepted();
	}

	async metricRows(thing: string, metric: string, start: number, end: number, limit: number): Promise<{ time: number; value: MetricValue }[]> {
		await this.#drained();
		return (await this.#pg.metricValues(thing, metric, start, end)).slice(0, limit).map((r) => ({ time: r.timestamp, value: r.value }));
	}

	async lastSeenOf(thing: string): Promise<number | null> {
		await this.#drained();
		return (await this.#pg.thingTimes(thing)).seen;
	}

	async lastAcceptedOf(thing: string): Promise<number | null> {
		await this.#drained();
		return (await this.#pg.thingTimes(thing)).accepted;
	}

	async firstEvent(violationId: string): Promise<{ time: number; type: string } | undefined> {
		await this.#drained();
		return this.#pg.firstEvent(violationId);
	}
}
