/*
 * pg-runtime — the PostgreSQL store as the running cloud's RuntimeStore (runtime.ts). The hot path never
 * waits on the server: registry saves, violation events and write-behind batches are queued and committed by
 * one writer, in order: registry statements one by one, everything else coalesced into one transaction per
 * commit (a violation event and the behavior state that raised it are committed together). While the server
 * refuses writes, the queue is held in memory and retried every second (one log line when it starts failing,
 * one when it recovers). A batch refused for a lost lease (pg-store.ts, fencing) is dropped and reported to
 * `onLeaseLost`: the partition's new owner has the truth. History is read through `history` (asynchronous).
 * The alert outbox stays in the process's own SQLite file (`local`): each process delivers the alerts it raised.
 */
import type Database from "better-sqlite3";
import type { SecurityProfile } from "../detect/profile";
import type { Verification } from "../verification";
import type { ViolationEvent } from "../detect/engine";
import type { RegistryRemovals } from "../detect/registry";
import { CloudError, ErrorCodes } from "../errors";
import type { OutboxTable } from "../outbox-table";
import type { ReportGateState } from "../reports/intake";
import type { Batch, MetricRow } from "../store";
import type { EventPage } from "./backend";
import type { RuntimeStore } from "./runtime";
import { LeaseLost, type PgStore } from "./pg-store";
import { describePgError } from "./pg-connect";

const RETRY_MS = 1_000;

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): the same write fails again. */
function permanent(e: unknown): boolean {
	const code = (e as { code?: unknown }).code;
	return typeof code === "string" && /^2[23]/.test(code);
}
type Op = () => Promise<unknown>;

class Pending {
	states = new Map<string, Batch["states"][number][1]>();
	seen = new Map<string, number>();
	gates = new Map<string, ReportGateState>();
	metrics: MetricRow[] = [];
	events: ViolationEvent[] = [];

	get empty(): boolean {
		return !this.states.size && !this.seen.size && !this.gates.size && !this.metrics.length && !this.events.length;
	}

	add(b: Batch): void {
		for (const [k, r] of b.states) this.states.set(k, r);
		for (const [t, at] of b.seen) this.seen.set(t, at);
		for (const [t, g] of b.gates) this.gates.set(t, g);
		this.metrics.push(...b.metrics);
		this.events.push(...b.events);
	}

	batch(): Batch {
		return { states: [...this.states], seen: [...this.seen], gates: [...this.gates], metrics: this.metrics, events: this.events };
	}
}

export class PgRuntime implements RuntimeStore {
	readonly history: PgStore;
	readonly outbox: OutboxTable;
	readonly removals: RegistryRemovals;
	onLeaseLost: (message: string) => void = () => undefined;
	readonly #log: (s: string) => void;
	readonly #gates: Map<string, ReportGateState>;
	#ops: Op[] = [];
	#pending = new Pending();
	#waiters: (() => void)[] = [];
	#running = false;
	#failing = false;
	#closed = false;

	readonly #local: { outbox: OutboxTable; database: Database.Database };

	constructor(store: PgStore, local: { outbox: OutboxTable; database: Database.Database }, gates: Map<string, ReportGateState>, log: (s: string) => void) {
		this.history = store;
		this.outbox = local.outbox;
		this.#local = local;
		this.#gates = gates;
		this.#log = log;
		const q = (sql: string, args: unknown[]) => this.#queue(() => store.pool.query(sql, args));
		this.removals = {
			deleteProfile: (name) => (q("DELETE FROM profiles WHERE name = $1", [name]), q("DELETE FROM targets WHERE profile = $1", [name])),
			deleteTarget: (profile, arn) => q("DELETE FROM targets WHERE profile = $1 AND arn = $2", [profile, arn]),
			deleteGroup: (group) => q("DELETE FROM groups WHERE name = $1", [group]),
			deleteMember: (group, thing) => q("DELETE FROM groups WHERE name = $1 AND thing = $2", [group, thing]),
		};
	}

	saveProfile(p: SecurityProfile): void {
		this.#queue(() => this.history.saveProfile(p));
	}

	saveTarget(profile: string, arn: string): void {
		this.#queue(() => this.history.saveTarget(profile, arn));
	}

	saveGroup(group: string): void {
		this.#queue(() => this.history.saveGroup(group));
	}

	saveMember(group: string, thing: string): void {
		this.#queue(() => this.history.saveMember(group, thing));
	}

	/** The gate loaded at start (handed over once: the cloud keeps it from then on, thing-table.ts). */
	loadGate(thing: string): ReportGateState | undefined {
		const g = this.#gates.get(thing);
		this.#gates.delete(thing);
		return g;
	}

	/** Cloud.metrics(thing).lastReport: not read from PostgreSQL (ListMetricValues answers per metric, asynchronously). */
	lastReport(): never {
		throw new CloudError(ErrorCodes.InvalidRequest, "the store is PostgreSQL: the last report's values are not read back synchronously; use ListMetricValues (the API)");
	}

	get database(): Database.Database {
		return this.#local.database;
	}

	putVerification(violationId: string, v: Verification, time: number): void {
		this.#queue(() => this.history.putVerification(violationId, v, time));
	}

	appendEvent(e: ViolationEvent): void {
		this.#pending.events.push(e);
		setImmediate(() => this.#pump());
	}

	writeBatch(b: Batch): void {
		this.#pending.add(b);
		this.#pump();
	}

	violationEvents(): EventPage {
		throw new CloudError(ErrorCodes.InvalidRequest, "the store is PostgreSQL: read the history asynchronously (Cloud.queryViolationEventsAsync, or the API)");
	}

	metricValues(): never {
		throw new CloudError(ErrorCodes.InvalidRequest, "the store is PostgreSQL: read the history asynchronously (Cloud.listMetricValuesAsync, or the API)");
	}

	pruneEvents(before: number, batch: number): number {
		this.#queue(() => this.history.pruneEvents(before, batch));
		return 0;
	}

	pruneMetrics(before: number, batch: number): number {
		this.#queue(() => this.history.pruneMetrics(before, batch));
		return 0;
	}

	afterDurable(cb: () => void): void {
		if (!this.#running && !this.#ops.length && this.#pending.empty) return cb();
		this.#waiters.push(cb);
	}

	drained(): Promise<void> {
		return new Promise((resolve) => this.afterDurable(resolve));
	}

	/** Commits what is queued (retrying for up to `graceMs` if the server refuses), then closes the pool. */
	async close(graceMs = 10_000): Promise<void> {
		if (this.#closed) return;
		this.#pump();
		let timer: NodeJS.Timeout | undefined;
		const gaveUp = await Promise.race([this.drained().then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
		clearTimeout(timer);
		this.#closed = true;
		if (gaveUp) this.#log(`store: stopped while PostgreSQL refused writes; not recorded: ${this.#ops.length + (this.#pending.empty ? 0 : 1)} queued write(s)`);
		await this.history.close();
	}

	#queue(op: Op): void {
		this.#ops.push(op);
		this.#pump();
	}

	async #pump(): Promise<void> {
		if (this.#running || this.#closed) return;
		this.#running = true;
		try {
			while ((this.#ops.length || !this.#pending.empty) && !this.#closed) {
				const op = this.#ops[0] ?? this.#takeBatch();
				if (await this.#attempt(op)) {
					if (this.#ops[0] === op) this.#ops.shift();
				} else await new Promise((r) => setTimeout(r, RETRY_MS));
			}
		} finally {
			this.#running = false;
		}
		for (const cb of this.#waiters.splice(0)) cb();
	}

	/** The pending batch as one op; kept in front of the queue until it is committed. */
	#takeBatch(): Op {
		const batch = this.#pending.batch();
		this.#pending = new Pending();
		const op: Op = () => this.history.writeBatch(batch);
		this.#ops.unshift(op);
		return op;
	}

	async #attempt(op: Op): Promise<boolean> {
		try {
			await op();
			if (this.#failing) this.#log(`store: PostgreSQL writes again (${this.history.where})`);
			this.#failing = false;
			return true;
		} catch (e) {
			if (e instanceof LeaseLost) {
				this.#log(`store: ${e.message}`);
				this.onLeaseLost(e.message);
				return true;
			}
			if (permanent(e)) {
				this.#log(`store: PostgreSQL refused a write that cannot succeed on retry (${describePgError(e, this.history.where)}); that write (a registry statement or one write-behind batch) is dropped`);
				return true;
			}
			if (!this.#failing) this.#log(`store: cannot write (${describePgError(e, this.history.where)}); ${this.#ops.length} write(s) held in memory and retried`);
			this.#failing = true;
			return false;
		}
	}
}
