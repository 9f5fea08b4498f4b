/*
 * windows — per-thing accumulation of numeric metric values inside durationSeconds windows aligned to the
 * epoch on the injected clock (a 300 s window covers [k·300 s, (k+1)·300 s)). One accumulator per window
 * length; `close(now)` hands back every window that ended by `now` and starts the next one. Values are
 * accumulated only in the lengths asked for (those some behavior uses, plus the 300 s datapoint window):
 * a window no behavior reads costs nothing per thing.
 *
 * Layout (a million things per window): each thing gets a row number on its first value in the window, each
 * metric a column, a Float64Array indexed by row (NaN = no value); so a thing costs one map entry plus
 * 8 bytes per metric column, not a map of its own.
 */
import { DURATIONS } from "./catalogue";

export class WindowValues {
	readonly #rows = new Map<string, number>();
	readonly #columns = new Map<string, Float64Array>();

	/** The things with a value in this window, in the order of their first value. */
	things(): IterableIterator<string> {
		return this.#rows.keys();
	}

	/** How many things have a value in this window. */
	get size(): number {
		return this.#rows.size;
	}

	has(thing: string): boolean {
		return this.#rows.has(thing);
	}

	get(thing: string, metric: string): number | undefined {
		const row = this.#rows.get(thing);
		const column = this.#columns.get(metric);
		if (row === undefined || column === undefined || row >= column.length) return undefined;
		const v = column[row];
		return Number.isNaN(v) ? undefined : v;
	}

	/** The metrics this window accumulated (for any thing). */
	metrics(): IterableIterator<string> {
		return this.#columns.keys();
	}

	add(thing: string, metric: string, amount: number, mode: "sum" | "last"): void {
		let row = this.#rows.get(thing);
		if (row === undefined) this.#rows.set(thing, (row = this.#rows.size));
		let column = this.#columns.get(metric);
		if (!column || row >= column.length) column = this.#grow(metric, column, row);
		const old = column[row];
		column[row] = mode === "sum" && !Number.isNaN(old) ? old + amount : amount;
	}

	#grow(metric: string, column: Float64Array | undefined, row: number): Float64Array {
		const grown = new Float64Array(Math.max(64, (row + 1) * 2)).fill(Number.NaN);
		if (column) grown.set(column);
		this.#columns.set(metric, grown);
		return grown;
	}
}

export interface ClosedWindow {
	durationSeconds: number;
	start: number;
	end: number;
	values: WindowValues;
}

interface Accumulator {
	start: number;
	values: WindowValues;
}

function boundary(t: number, seconds: number): number {
	const ms = seconds * 1000;
	return Math.floor(t / ms) * ms;
}

export class Windows {
	readonly #acc = new Map<number, Accumulator>();

	constructor(now: number) {
		for (const d of DURATIONS) this.#acc.set(d, { start: boundary(now, d), values: new WindowValues() });
	}

	/** Adds `amount` (sum) or replaces with it (last) for thing/metric in the window lengths `used` lets through. */
	add(thing: string, metric: string, amount: number, mode: "sum" | "last", used: (seconds: number) => boolean = () => true): void {
		for (const [d, acc] of this.#acc) if (used(d)) acc.values.add(thing, metric, amount, mode);
	}

	close(now: number): ClosedWindow[] {
		const closed: ClosedWindow[] = [];
		for (const [d, acc] of this.#acc) {
			const b = boundary(now, d);
			if (b <= acc.start) continue;
			closed.push({ durationSeconds: d, start: acc.start, end: acc.start + d * 1000, values: acc.values });
			this.#acc.set(d, { start: b, values: new WindowValues() });
		}
		return closed;
	}
}
