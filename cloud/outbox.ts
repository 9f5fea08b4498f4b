/*
 * outbox — durable alert delivery. Each alert owed to a target is written to the outbox table before the
 * first attempt; per target one delivery is in flight at a time, in insertion order; a failure (timeout,
 * non-2xx, connection error) backs the whole target off (backoffMs · 2^(failures-1), at most maxBackoffMs,
 * on the injected clock) and the row is retried, never dropped; a delivered row is deleted. A restart
 * resumes what the table holds. If the table cannot be written (disk full), rows wait in memory (bounded,
 * logged) and are written or delivered from there. Nothing here blocks detection.
 */
import { randomUUID } from "node:crypto";
import type { Clock, TimerHandle } from "../modules/platform/platform";
import type { OutboxRow, OutboxTable } from "./outbox-table";
import { storageFailure } from "./storage-error";

export type DeliveryResult = { ok: true } | { ok: false; reason: string };
/** Delivers one row; `signal` aborts it when the outbox stops. */
export type Sender = (row: OutboxRow, signal: AbortSignal) => Promise<DeliveryResult>;

export interface OutboxOptions {
	/** first back-off after a failure, doubled per consecutive failure of the target (default 1000 ms) */
	backoffMs?: number;
	/** longest back-off (default 300,000 ms) */
	maxBackoffMs?: number;
	/** the targets this outbox answers for when several share the table (pending(), reportOrphans()); default all */
	owns?: (target: string) => boolean;
}

/** Rows kept in memory while the table cannot be written; beyond it the oldest is dropped and logged. */
export const UNSAVED_LIMIT = 10_000;

export class Outbox {
	readonly #table: OutboxTable;
	readonly #clock: Clock;
	readonly #log: (s: string) => void;
	readonly #options: Required<Omit<OutboxOptions, "owns">>;
	readonly #owns: ((target: string) => boolean) | undefined;
	readonly #senders = new Map<string, Sender>();
	readonly #busy = new Set<string>();
	readonly #timers = new Map<string, TimerHandle>();
	readonly #failures = new Map<string, number>();
	/** rows the table refused (disk full), oldest first */
	readonly #unsaved: OutboxRow[] = [];
	/** delivered rows the table could not delete yet: never sent again */
	readonly #unremoved = new Set<string>();
	readonly #abort = new AbortController();
	#saveFailing = false;
	#stopped = false;
	delivered = 0;
	failedAttempts = 0;

	constructor(table: OutboxTable, clock: Clock, log: (s: string) => void, options: OutboxOptions = {}) {
		this.#table = table;
		this.#clock = clock;
		this.#log = log;
		this.#options = { backoffMs: options.backoffMs ?? 1000, maxBackoffMs: options.maxBackoffMs ?? 300_000 };
		this.#owns = options.owns;
	}

	/** Delivers rows of `target` with `send`; resumes any the table already holds for it. */
	register(target: string, send: Sender): void {
		this.#senders.set(target, send);
		this.#pump(target);
	}

	/** Logs (owned) targets with rows left from an earlier run that nothing delivers any more (the rows are kept). */
	reportOrphans(): void {
		for (const target of this.#table.targets()) {
			if ((this.#owns?.(target) ?? true) && !this.#senders.has(target)) this.#log(`alerts: outbox holds deliveries for ${target}, which is not configured now; kept until it is or they expire`);
		}
	}

	/** Owes `payload` to `target`: written to the table first, then delivered. Returns the delivery id. */
	enqueue(target: string, payload: string): string {
		const now = this.#clock.now();
		const row: OutboxRow = { id: randomUUID(), target, payload, attempts: 0, next_attempt_at: now, created_at: now };
		this.#unsaved.push(row);
		this.#save();
		if (this.#unsaved.length > UNSAVED_LIMIT) {
			const lost = this.#unsaved.shift();
			this.#log(`alerts: outbox cannot be written and ${UNSAVED_LIMIT} deliveries wait in memory: dropped delivery ${lost?.id} to ${lost?.target}`);
		}
		this.#pump(target);
		return row.id;
	}

	/** Deliveries still owed (in the table or waiting in memory). */
	pending(): number {
		let saved = 0;
		try {
			const owns = this.#owns;
			saved = (owns ? this.#table.countByTarget(owns) : this.#table.count()) - this.#unremoved.size;
		} catch (e) {
			this.#log(`alerts: outbox not readable (${storageFailure(e)})`);
		}
		return saved + this.#unsaved.length;
	}

	stop(): void {
		this.#stopped = true;
		this.#abort.abort();
		for (const t of this.#timers.values()) this.#clock.clear(t);
		this.#timers.clear();
		if (this.#unsaved.length) this.#log(`alerts: stopped with ${this.#unsaved.length} deliveries not written to the outbox (disk full?); they are lost`);
	}

	#save(): void {
		if (!this.#unsaved.length) return;
		try {
			this.#table.add(this.#unsaved);
		} catch (e) {
			const what = storageFailure(e);
			if (!this.#saveFailing) this.#log(`alerts: outbox not written (${what}); deliveries held in memory: ${this.#unsaved.length}, written when it works again`);
			this.#saveFailing = true;
			return;
		}
		if (this.#saveFailing) this.#log(`alerts: outbox written again; deliveries that were held in memory: ${this.#unsaved.length}`);
		this.#saveFailing = false;
		this.#unsaved.length = 0;
	}

	#head(target: string): OutboxRow | undefined {
		this.#save();
		const inMemory = this.#unsaved.find((r) => r.target === target);
		let row: OutboxRow | undefined;
		try {
			row = this.#table.head(target);
		} catch (e) {
			this.#log(`alerts: outbox not readable (${storageFailure(e)})`);
		}
		return row ?? inMemory;
	}

	#pump(target: string): void {
		const send = this.#senders.get(target);
		if (!send || this.#stopped || this.#busy.has(target) || this.#timers.has(target)) return;
		const row = this.#head(target);
		if (!row) return;
		if (this.#unremoved.has(row.id)) return this.#settle(row, { ok: true });
		const wait = row.next_attempt_at - this.#clock.now();
		if (wait > 0) return this.#wake(target, wait);
		this.#busy.add(target);
		void send(row, this.#abort.signal)
			.catch((e: Error) => ({ ok: false as const, reason: e.message }))
			.then((result) => {
				this.#busy.delete(target);
				if (!this.#stopped) this.#settle(row, result);
			});
	}

	#settle(row: OutboxRow, result: DeliveryResult): void {
		if (result.ok) this.#delivered(row);
		else this.#failed(row, result.reason);
		this.#pump(row.target);
	}

	#delivered(row: OutboxRow): void {
		if (!this.#unremoved.has(row.id)) this.delivered++;
		this.#failures.delete(row.target);
		const i = this.#unsaved.indexOf(row);
		if (i >= 0) return void this.#unsaved.splice(i, 1);
		try {
			this.#table.remove(row.id);
			this.#unremoved.delete(row.id);
		} catch (e) {
			this.#unremoved.add(row.id);
			this.#log(`alerts: delivery ${row.id} done but not removed from the outbox (${storageFailure(e)}); it is not sent again`);
			this.#wake(row.target, this.#options.backoffMs);
		}
	}

	#failed(row: OutboxRow, reason: string): void {
		this.failedAttempts++;
		const failures = (this.#failures.get(row.target) ?? 0) + 1;
		this.#failures.set(row.target, failures);
		const delay = Math.min(this.#options.backoffMs * 2 ** Math.min(failures - 1, 30), this.#options.maxBackoffMs);
		row.attempts++;
		row.next_attempt_at = this.#clock.now() + delay;
		this.#log(`alerts: delivery to ${row.target} failed (${reason}), attempt ${row.attempts} of ${row.id}; ${this.pending()} pending, next attempt in ${delay} ms`);
		if (this.#unsaved.includes(row)) return;
		try {
			this.#table.retryAt(row.id, row.attempts, row.next_attempt_at);
		} catch (e) {
			this.#log(`alerts: outbox retry time not written (${storageFailure(e)})`);
			this.#wake(row.target, delay);
		}
	}

	#wake(target: string, ms: number): void {
		if (this.#timers.has(target) || this.#stopped) return;
		this.#timers.set(
			target,
			this.#clock.set(() => {
				this.#timers.delete(target);
				this.#pump(target);
			}, ms),
		);
	}
}
