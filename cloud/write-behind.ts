/*
 * write-behind — what the cloud owes the store: violation events, report gates, behavior states,
 * last-seen times and metric rows, written in one transaction per event-loop turn (only what changed; no
 * statement per report or per event outside it). If the store refuses a write (disk full, read-only file, I/O error) nothing is dropped
 * silently: the unwritten data stays in memory and is retried on every flush; one log line says what is
 * not recorded when the failure starts, one when writing works again. While the store refuses writes, metric
 * rows and events held in memory are bounded (HELD_LIMIT each); beyond it the oldest are dropped and the
 * count logged.
 */
import type { StateRecord, ViolationEvent } from "./detect/engine";
import type { ReportGateState } from "./reports/intake";
import type { MetricRow } from "./store";
import type { RuntimeStore } from "./store/runtime";
import { storageFailure } from "./storage-error";

export const HELD_LIMIT = 100_000;
/** metric rows (and events) written per flush at most */
export const FLUSH_ROWS = 20_000;

export class WriteBehind {
	readonly #store: RuntimeStore;
	readonly #log: (s: string) => void;
	readonly #states = new Map<string, StateRecord | undefined>();
	readonly #seen = new Map<string, number>();
	readonly #gates = new Map<string, ReportGateState>();
	#metrics: MetricRow[] = [];
	#events: ViolationEvent[] = [];
	#failing = false;
	#dropped = 0;

	constructor(store: RuntimeStore, log: (s: string) => void) {
		this.#store = store;
		this.#log = log;
	}

	/** Records a violation event with the next flush (in order; held while the store refuses writes). */
	event(e: ViolationEvent): void {
		this.#events.push(e);
		this.#bound();
	}

	gate(thing: string, state: ReportGateState): void {
		this.#gates.set(thing, state);
	}

	metric(row: MetricRow): void {
		this.#metrics.push(row);
		this.#bound();
	}

	/**
	 * Writes what changed since the last flush (plus anything held), in one transaction of at most
	 * FLUSH_ROWS metric rows and FLUSH_ROWS events (a window close over a big fleet yields many): returns
	 * true when more is left for the next flush.
	 */
	flush(states: [string, StateRecord | undefined][], seen: [string, number][]): boolean {
		for (const [k, r] of states) this.#states.set(k, r);
		for (const [thing, at] of seen) this.#seen.set(thing, at);
		if (!this.#states.size && !this.#seen.size && !this.#gates.size && !this.#metrics.length && !this.#events.length) return false;
		const held = this.#failing ? this.describe() : "";
		const metrics = this.#metrics.length > FLUSH_ROWS ? this.#metrics.splice(0, FLUSH_ROWS) : this.#metrics.splice(0);
		const events = this.#events.length > FLUSH_ROWS ? this.#events.splice(0, FLUSH_ROWS) : this.#events.splice(0);
		try {
			this.#store.writeBatch({ states: [...this.#states], seen: [...this.#seen], gates: [...this.#gates], metrics, events });
		} catch (e) {
			this.#metrics = metrics.concat(this.#metrics);
			this.#events = events.concat(this.#events);
			this.#fail(e);
			return false;
		}
		const dropped = this.#dropped ? `; ${this.#dropped} older metric rows or events were dropped meanwhile` : "";
		if (this.#failing) this.#log(`store: writing again; recorded what was held: ${held}${dropped}`);
		this.#failing = false;
		this.#dropped = 0;
		this.#states.clear();
		this.#seen.clear();
		this.#gates.clear();
		return this.#metrics.length > 0 || this.#events.length > 0;
	}

	/** What is not recorded yet, e.g. "1 violation event, 2 behavior states, 1 report gate (dev-1)". */
	describe(extra: ViolationEvent[] = []): string {
		const gates = [...this.#gates.keys()];
		const named = ` (${gates.slice(0, 5).join(", ")}${gates.length > 5 ? ", …" : ""})`;
		const parts: [number, string, string?][] = [
			[this.#events.length + extra.length, "violation event"],
			[gates.length, "report gate", named],
			[this.#metrics.length, "metric row"],
			[this.#states.size, "behavior state"],
			[this.#seen.size, "last-seen time"],
		];
		const list = parts.filter(([n]) => n > 0).map(([n, what, detail]) => `${n} ${what}${n === 1 ? "" : "s"}${detail ?? ""}`);
		return list.join(", ") || "nothing";
	}

	/** True while the store refuses writes. */
	get failing(): boolean {
		return this.#failing;
	}

	#fail(e: unknown): void {
		const why = storageFailure(e);
		if (this.#failing) return;
		this.#failing = true;
		this.#log(`store: cannot write (${why}); not recorded yet, held in memory and retried: ${this.describe()}`);
	}

	#bound(): void {
		if (!this.#failing) return;
		const over = Math.max(0, this.#metrics.length - HELD_LIMIT) + Math.max(0, this.#events.length - HELD_LIMIT);
		if (!over) return;
		this.#metrics = this.#metrics.slice(-HELD_LIMIT);
		this.#events = this.#events.slice(-HELD_LIMIT);
		if (this.#dropped === 0) this.#log(`store: still cannot write; more than ${HELD_LIMIT} metric rows or events held: dropping the oldest (counted on recovery)`);
		this.#dropped += over;
	}
}
