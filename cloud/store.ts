/*
 * store — persistence on better-sqlite3 (a file under the data dir, or ":memory:"): profiles, targets,
 * thing groups, report gate state, Detect behavior states, active violations, violation history and
 * metric history. Statements are prepared once and reused. Small writes go through at once; behavior
 * states and metric rows are written behind in one transaction per batch (see Cloud.flush).
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MetricValue } from "./detect/metric-value";
import type { SecurityProfile } from "./detect/profile";
import type { RegistryPersistence } from "./detect/registry";
import type { StateRecord, ViolationEvent } from "./detect/engine";
import type { ReportGateState } from "./reports/intake";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS profiles (name TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS targets (profile TEXT NOT NULL, arn TEXT NOT NULL, PRIMARY KEY (profile, arn));
CREATE TABLE IF NOT EXISTS groups (name TEXT NOT NULL, thing TEXT NOT NULL DEFAULT '', PRIMARY KEY (name, thing));
CREATE TABLE IF NOT EXISTS gates (thing TEXT PRIMARY KEY, last_report_id INTEGER, last_accepted_at INTEGER);
CREATE TABLE IF NOT EXISTS seen (thing TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS states (key TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, thing TEXT NOT NULL, profile TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_time ON events (time);
CREATE TABLE IF NOT EXISTS metrics (thing TEXT NOT NULL, metric TEXT NOT NULL, time INTEGER NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS metrics_key ON metrics (thing, metric, time);
CREATE INDEX IF NOT EXISTS metrics_time ON metrics (time);
`;

export interface MetricRow {
	thing: string;
	metric: string;
	time: number;
	value: MetricValue;
}

export class CloudStore implements RegistryPersistence {
	readonly #db: Database.Database;
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

	saveGate(thing: string, s: ReportGateState): void {
		this.#sql("INSERT OR REPLACE INTO gates VALUES (?, ?, ?)").run(thing, s.lastReportId ?? null, s.lastAcceptedAt ?? null);
	}

	loadGates(): Map<string, ReportGateState> {
		const rows = this.#sql("SELECT * FROM gates").all() as { thing: string; last_report_id: number | null; last_accepted_at: number | null }[];
		return new Map(rows.map((r) => [r.thing, { lastReportId: r.last_report_id ?? undefined, lastAcceptedAt: r.last_accepted_at ?? undefined }]));
	}

	appendEvent(e: ViolationEvent): void {
		this.#sql("INSERT INTO events (time, thing, profile, json) VALUES (?, ?, ?, ?)").run(e.violationEventTime, e.thingName, e.securityProfileName, JSON.stringify(e));
	}

	loadEvents(): ViolationEvent[] {
		return (this.#sql("SELECT json FROM events ORDER BY seq").all() as { json: string }[]).map((r) => JSON.parse(r.json) as ViolationEvent);
	}

	/** Write-behind batch: states (undefined = delete), last-seen times and metric rows, one transaction. */
	writeBatch(states: [string, StateRecord | undefined][], seen: [string, number][], metrics: MetricRow[]): void {
		const putState = this.#sql("INSERT OR REPLACE INTO states (key, json) VALUES (?, ?)");
		const delState = this.#sql("DELETE FROM states WHERE key = ?");
		const putSeen = this.#sql("INSERT OR REPLACE INTO seen (thing, at) VALUES (?, ?)");
		const putMetric = this.#sql("INSERT INTO metrics (thing, metric, time, value) VALUES (?, ?, ?, ?)");
		this.#db.transaction(() => {
			for (const [k, r] of states) (r ? putState.run(k, JSON.stringify(r)) : delState.run(k));
			for (const [thing, at] of seen) putSeen.run(thing, at);
			for (const m of metrics) putMetric.run(m.thing, m.metric, m.time, JSON.stringify(m.value));
		})();
	}

	loadStates(): StateRecord[] {
		return (this.#sql("SELECT json FROM states").all() as { json: string }[]).map((r) => JSON.parse(r.json) as StateRecord);
	}

	loadSeen(): [string, number][] {
		return (this.#sql("SELECT thing, at FROM seen").all() as { thing: string; at: number }[]).map((r) => [r.thing, r.at]);
	}

	/** ListMetricValues: datapoints of one thing's metric in [startTime, endTime). */
	metricValues(thing: string, metric: string, startTime = 0, endTime = Number.MAX_SAFE_INTEGER): { timestamp: number; value: MetricValue }[] {
		const select = this.#sql("SELECT time, value FROM metrics WHERE thing = ? AND metric = ? AND time >= ? AND time < ? ORDER BY time");
		const rows = select.all(thing, metric, startTime, endTime) as { time: number; value: string }[];
		return rows.map((r) => ({ timestamp: r.time, value: JSON.parse(r.value) as MetricValue }));
	}

	pruneMetrics(before: number): void {
		this.#sql("DELETE FROM metrics WHERE time < ?").run(before);
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
