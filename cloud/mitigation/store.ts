/*
 * store — mitigation actions, Detect mitigation tasks and their executions on the cloud's database
 * (tables mitigation_actions, mitigation_tasks, mitigation_executions). Rows are JSON records; the
 * API shapes them (routes-mitigation.ts).
 */
import type Database from "better-sqlite3";
import { randomUUID } from "node:crypto";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mitigation_actions (name TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mitigation_tasks (id TEXT PRIMARY KEY, started INTEGER NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mitigation_executions (task TEXT NOT NULL, violation TEXT NOT NULL, action TEXT NOT NULL, thing TEXT NOT NULL, started INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (task, violation, action));
`;

export interface AddThingsParams {
	thingGroupNames: string[];
	overrideDynamicGroups?: boolean;
}

export interface ActionRecord {
	name: string;
	id: string;
	roleArn: string;
	params: { addThingsToThingGroupParams: AddThingsParams };
	/** epoch ms */
	created: number;
	modified: number;
}

export type TaskStatus = "IN_PROGRESS" | "SUCCESSFUL" | "FAILED" | "CANCELED";
export type ExecutionStatus = "IN_PROGRESS" | "SUCCESSFUL" | "FAILED" | "SKIPPED";

export interface TaskRecord {
	taskId: string;
	status: TaskStatus;
	clientRequestToken?: string;
	started: number;
	ended?: number;
	target: { violationIds?: string[]; securityProfileName?: string; behaviorName?: string };
	range?: { startTime: number; endTime: number };
	onlyActive: boolean;
	suppressed: boolean;
	/** the actions as they were when the task started */
	actions: ActionRecord[];
	stats: { actionsExecuted: number; actionsSkipped: number; actionsFailed: number };
}

export interface ExecutionRecord {
	taskId: string;
	violationId: string;
	actionName: string;
	thingName: string;
	started: number;
	ended?: number;
	status: ExecutionStatus;
	errorCode?: string;
	message?: string;
}

export class MitigationStore {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	action(name: string): ActionRecord | undefined {
		const row = this.#db.prepare("SELECT record FROM mitigation_actions WHERE name = ?").get(name) as { record: string } | undefined;
		return row && (JSON.parse(row.record) as ActionRecord);
	}

	actions(): ActionRecord[] {
		return (this.#db.prepare("SELECT record FROM mitigation_actions ORDER BY name").all() as { record: string }[]).map((r) => JSON.parse(r.record) as ActionRecord);
	}

	putAction(name: string, roleArn: string, params: ActionRecord["params"], now: number): ActionRecord {
		const old = this.action(name);
		const a: ActionRecord = { name, id: old?.id ?? randomUUID(), roleArn, params, created: old?.created ?? now, modified: now };
		this.#db.prepare("INSERT OR REPLACE INTO mitigation_actions VALUES (?, ?)").run(name, JSON.stringify(a));
		return a;
	}

	deleteAction(name: string): void {
		this.#db.prepare("DELETE FROM mitigation_actions WHERE name = ?").run(name);
	}

	task(id: string): TaskRecord | undefined {
		const row = this.#db.prepare("SELECT record FROM mitigation_tasks WHERE id = ?").get(id) as { record: string } | undefined;
		return row && (JSON.parse(row.record) as TaskRecord);
	}

	/** Tasks started in [start, end], oldest first. */
	tasks(start: number, end: number): TaskRecord[] {
		const rows = this.#db.prepare("SELECT record FROM mitigation_tasks WHERE started BETWEEN ? AND ? ORDER BY started, id").all(start, end) as { record: string }[];
		return rows.map((r) => JSON.parse(r.record) as TaskRecord);
	}

	putTask(t: TaskRecord): void {
		this.#db.prepare("INSERT OR REPLACE INTO mitigation_tasks VALUES (?, ?, ?)").run(t.taskId, t.started, JSON.stringify(t));
	}

	putExecution(e: ExecutionRecord): void {
		this.#db.prepare("INSERT OR REPLACE INTO mitigation_executions VALUES (?, ?, ?, ?, ?, ?)").run(e.taskId, e.violationId, e.actionName, e.thingName, e.started, JSON.stringify(e));
	}

	executions(filter: { taskId?: string; violationId?: string; thingName?: string; start?: number; end?: number }): ExecutionRecord[] {
		const rows = this.#db
			.prepare(
				`SELECT record FROM mitigation_executions WHERE (@task IS NULL OR task = @task) AND (@violation IS NULL OR violation = @violation)
				 AND (@thing IS NULL OR thing = @thing) AND started BETWEEN @start AND @end ORDER BY started, task, violation, action`,
			)
			.all({ task: filter.taskId ?? null, violation: filter.violationId ?? null, thing: filter.thingName ?? null, start: filter.start ?? 0, end: filter.end ?? Number.MAX_SAFE_INTEGER }) as { record: string }[];
		return rows.map((r) => JSON.parse(r.record) as ExecutionRecord);
	}
}
