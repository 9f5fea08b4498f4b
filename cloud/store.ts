/*
 * store — persistence on better-sqlite3 (a file under the data dir, or ":memory:"): profiles, targets,
 * thing groups, violation history and the alert outbox (outbox-table.ts); the per-thing tables (report
 * gates, last-seen times, Detect states, metric history) are laid out in store-fleet.ts. Statements are
 * prepared once and reused. Nothing per thing is loaded at start. Registry writes
 * go through at once; gates, behavior states, last-seen times and metric rows are written behind in one
 * transaction per batch (see write-behind.ts). History is queried here, never loaded whole, and pruned in
 * bounded batches.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MetricValue } from "./detect/metric-value";
import type { SecurityProfile } from "./detect/profile";
import type { RegistryPersistence } from "./detect/registry";
import type { StateRecord, ViolationEvent } from "./detect/engine";
import type { ReportGateState } from "./reports/intake";
import { CloudError, ErrorCodes } from "./errors";
import { OutboxTable } from "./outbox-table";
import { FleetTables, type MetricRow } from "./store-fleet";
import { migrateFleetTables } from "./store-migrate";
import type { ViolationFilter } from "./violations";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS profiles (name TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS targets (profile TEXT NOT NULL, arn TEXT NOT NULL, PRIMARY KEY (profile, arn));
CREATE TABLE IF NOT EXISTS groups (name TEXT NOT NULL, thing TEXT NOT NULL DEFAULT '', PRIMARY KEY (name, thing));
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, thing TEXT NOT NULL, profile TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_time ON events (time);
CREATE INDEX IF NOT EXISTS events_thing ON events (thing, time);
-- verification states (h4/detect; read/written by verification.ts, joined into ListViolationEvents below): keyed by
-- violation id, not by thing, so the fleet layout (store-fleet.ts) leaves this table as it is
CREATE TABLE IF NOT EXISTS verification_states (violation_id TEXT PRIMARY KEY, state TEXT NOT NULL, description TEXT, time INTEGER NOT NULL);
`;

export type { MetricRow };

/** One write-behind batch: states (undefined = delete), last-seen times, report gates, metric rows and held violation events. */
export interface Batch {
	states: [string, StateRecord | undefined][];
	seen: [string, number][];
	gates: [string, ReportGateState][];
	metrics: MetricRow[];
	events: ViolationEvent[];
}

/** ListViolationEvents: filters plus a page size and the token of the previous page. */
export interface EventQuery extends ViolationFilter {
	/** default and maximum: EVENT_PAGE_MAX */
	maxResults?: number;
	nextToken?: string;
}

export const EVENT_PAGE_MAX = 1000;

const CRITERIA_SQL = `CASE WHEN json_extract(json, '$.behavior.criteria.mlDetectionConfig') IS NOT NULL THEN 'MACHINE_LEARNING'
 WHEN json_extract(json, '$.behavior.criteria.statisticalThreshold') IS NOT NULL THEN 'STATISTICAL' ELSE 'STATIC' END`;

export class CloudStore implements RegistryPersistence {
	readonly #db: Database.Database;
	readonly outbox: OutboxTable;
	readonly #fleet: FleetTables;
	/** Prepared statements by SQL text: prepared once, run many times. */
	readonly #statements = new Map<string, Database.Statement>();

	constructor(dataDir: string) {
		let file = ":memory:";
		if (dataDir !== ":memory:") {
			mkdirSync(dataDir, { recursive: true });
			file = join(dataDir, "cloud.sqlite");
		}
		this.#db = new Database(file);
		this.#db.pragma("journal_mode = WAL");
		this.#db.pragma("synchronous = NORMAL");
		this.#db.exec(SCHEMA);
		this.#fleet = new FleetTables(this.#db, (text) => this.#sql(text));
		migrateFleetTables(this.#db, this.#fleet);
		this.outbox = new OutboxTable(this.#db);
	}

	/** The open database, for tables kept by other modules (cloud/api/store-*.ts). */
	get database(): Database.Database {
		return this.#db;
	}

	saveProfile(p: SecurityProfile): void {
		this.#sql("INSERT OR REPLACE INTO profiles (name, json) VALUES (?, ?)").run(p.securityProfileName, JSON.stringify(p));
	}

	saveTarget(profile: string, arn: string): void {
		this.#sql("INSERT OR IGNORE INTO targets (profile, arn) VALUES (?, ?)").run(profile, arn);
	}

	saveGroup(group: string): void {
		this.#sql("INSERT OR IGNORE INTO groups (name, thing) VALUES (?, '')").run(group);
	}

	saveMember(group: string, thing: string): void {
		this.#sql("INSERT OR IGNORE INTO groups (name, thing) VALUES (?, ?)").run(group, thing);
	}

	loadRegistry(): { profiles: SecurityProfile[]; targets: [string, string][]; groups: [string, string | undefined][] } {
		const profiles = (this.#sql("SELECT json FROM profiles").all() as { json: string }[]).map((r) => JSON.parse(r.json) as SecurityProfile);
		const targets = (this.#sql("SELECT profile, arn FROM targets").all() as { profile: string; arn: string }[]).map((r) => [r.profile, r.arn] as [string, string]);
		const groups = (this.#sql("SELECT name, thing FROM groups").all() as { name: string; thing: string }[]).map(
			(r) => [r.name, r.thing === "" ? undefined : r.thing] as [string, string | undefined],
		);
		return { profiles, targets, groups };
	}

	/** Every stored report gate (for tools; the cloud reads one thing's with loadGate on its first report). */
	loadGates(): Map<string, ReportGateState> {
		return this.#fleet.allGates();
	}

	/** The stored report gate of one thing, if it has one. */
	loadGate(thing: string): ReportGateState | undefined {
		return this.#fleet.gate(thing);
	}

	appendEvent(e: ViolationEvent): void {
		this.#sql("INSERT INTO events (time, thing, profile, json) VALUES (?, ?, ?, ?)").run(e.violationEventTime, e.thingName, e.securityProfileName, JSON.stringify(e));
	}

	/** ListViolationEvents in SQL: filters, [startTime, endTime), oldest first, one page of at most maxResults. */
	violationEvents(q: EventQuery = {}): { violationEvents: ViolationEvent[]; nextToken?: string } {
		const where = ["time >= ?", "time < ?", "seq > ?"];
		const args: (string | number)[] = [q.startTime ?? 0, q.endTime ?? Number.MAX_SAFE_INTEGER, q.nextToken === undefined ? 0 : cursor(q.nextToken)];
		const equal = (sql: string, v: string | undefined): void => {
			if (v === undefined) return;
			where.push(`${sql} = ?`);
			args.push(v);
		};
		equal("thing", q.thingName);
		equal("profile", q.securityProfileName);
		equal(CRITERIA_SQL, q.behaviorCriteriaType);
		if (q.listSuppressedAlerts === false) where.push("coalesce(json_extract(json, '$.behavior.suppressAlerts'), 0) != 1");
		// verification states (h4/detect): filter and attach the violation's state
		equal(`coalesce(${verified("state")}, 'UNKNOWN')`, q.verificationState);
		const limit = q.maxResults ?? EVENT_PAGE_MAX;
		if (!Number.isInteger(limit) || limit < 1 || limit > EVENT_PAGE_MAX) throw new CloudError(ErrorCodes.InvalidRequest, `maxResults must be an integer 1..${EVENT_PAGE_MAX}`);
		const select = `SELECT seq, json, ${verified("json_array(state, description)")} AS verified FROM events`;
		const rows = this.#sql(`${select} WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`).all(...args, limit + 1) as { seq: number; json: string; verified: string | null }[];
		const page = rows.slice(0, limit);
		const last = page.at(-1);
		return { violationEvents: page.map(withVerification), nextToken: rows.length > limit && last ? String(last.seq) : undefined };
	}

	/** Deletes at most `batch` events older than `before`; returns how many. */
	pruneEvents(before: number, batch: number): number {
		return this.#sql("DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE time < ? ORDER BY time LIMIT ?)").run(before, batch).changes;
	}

	/** Write-behind batch, one transaction. */
	writeBatch(b: Batch): void {
		const fleet = this.#fleet;
		try {
			this.#db.transaction(() => {
				for (const e of b.events) this.appendEvent(e);
				for (const [k, r] of b.states) fleet.putState(k, r);
				const seen = new Map(b.seen);
				for (const [thing, g] of b.gates) {
					fleet.putGate(thing, g, seen.get(thing));
					seen.delete(thing);
				}
				for (const [thing, at] of seen) fleet.putSeen(thing, at);
				fleet.putMetrics(b.metrics);
			})();
		} catch (e) {
			fleet.forgetIds();
			throw e;
		}
	}

	/** The Detect states that are not the initial one (in alarm or counting towards it). */
	loadStates(): StateRecord[] {
		return this.#fleet.states();
	}

	/** Last-seen times of the things that have a stored state (all Detect needs at start). */
	loadSeen(): [string, number][] {
		return this.#fleet.seenOfStates();
	}

	/** The values of the thing's newest stored report (device-side metrics only). */
	lastReport(thing: string, deviceMetric: (metric: string) => boolean): Record<string, MetricValue> | undefined {
		return this.#fleet.latest(thing, deviceMetric);
	}

	/** ListMetricValues: datapoints of one thing's metric in [startTime, endTime). */
	metricValues(thing: string, metric: string, startTime = 0, endTime = Number.MAX_SAFE_INTEGER): { timestamp: number; value: MetricValue }[] {
		return this.#fleet.metricValues(thing, metric, startTime, endTime);
	}

	/** At most `limit` datapoints of one thing's metric in [startTime, endTime), oldest first (console plots). */
	metricValuesUpTo(thing: string, metric: string, startTime: number, endTime: number, limit: number): { timestamp: number; value: MetricValue }[] {
		return this.#fleet.metricValues(thing, metric, startTime, endTime, limit);
	}

	/** The stored datapoints of `metrics`, every thing, time in [from, to), read in pages (ML training: ml/history.ts; the caller may pause between rows). */
	metricHistoryPages(metrics: readonly string[], from: number, to: number): Iterable<MetricRow[]> {
		return this.#fleet.metricHistoryPages(metrics, from, to);
	}

	/** Every stored last-seen time, by thing. */
	lastSeenTimes(): Map<string, number> {
		return this.#fleet.allSeen();
	}

	/** The thing's stored last-seen time, if any. */
	lastSeenOf(thing: string): number | undefined {
		return this.#fleet.seenOf(thing);
	}

	/** Every stored last accepted report time, by thing. */
	lastAcceptedTimes(): Map<string, number> {
		return this.#fleet.allAccepted();
	}

	/** Deletes at most `batch` packed metric rows of the hours wholly older than `before`; returns how many. */
	pruneMetrics(before: number, batch: number): number {
		return this.#fleet.pruneMetrics(before, batch);
	}

	close(): void {
		this.#statements.clear();
		this.#db.close();
	}

	#sql(text: string): Database.Statement {
		let statement = this.#statements.get(text);
		if (!statement) this.#statements.set(text, (statement = this.#db.prepare(text)));
		return statement;
	}
}

/** The verification state row of an event's violation (h4/detect). */
const verified = (column: string): string => `(SELECT ${column} FROM verification_states WHERE violation_id = json_extract(events.json, '$.violationId'))`;

function withVerification(r: { json: string; verified: string | null }): ViolationEvent {
	const e = JSON.parse(r.json) as ViolationEvent;
	if (r.verified === null) return e;
	const [verificationState, description] = JSON.parse(r.verified) as [string, string | null];
	return { ...e, verificationState, ...(description !== null ? { verificationStateDescription: description } : {}) };
}

function cursor(token: string): number {
	if (!/^\d{1,15}$/.test(token)) throw new CloudError(ErrorCodes.InvalidRequest, "nextToken is not one this cloud returned");
	return Number(token);
}
