/*
 * windows — per-thing accumulation of numeric metric values inside durationSeconds windows aligned to the
 * epoch on the injected clock (a 300 s window covers [k·300 s, (k+1)·300 s)). One accumulator per window
 * length; `close(now)` hands back every window that ended by `now` and starts the next one. Values are
 * accumulated only in the lengths asked for (those some behavior uses, plus the 300 s datapoint window):
 * a window no behavior reads costs nothing per thing.
 */
import { DURATIONS } from "./catalogue";

export interface ClosedWindow {
	durationSeconds: number;
	start: number;
	end: number;
	/** thing → metric → accumulated value */
	values: Map<string, Map<string, number>>;
}

interface Accumulator {
	start: number;
	values: Map<string, Map<string, number>>;
}

function boundary(t: number, seconds: number): number {
	const ms = seconds * 1000;
	return Math.floor(t / ms) * ms;
}

export class Windows {
	readonly #acc = new Map<number, Accumulator>();

	constructor(now: number) {
		for (const d of DURATIONS) this.#acc.set(d, { start: boundary(now, d), values: new Map() });
	}

	/** Adds `amount` (sum) or replaces with it (last) for thing/metric in the window lengths `used` lets through. */
	add(thing: string, metric: string, amount: number, mode: "sum" | "last", used: (seconds: number) => boolean = () => true): void {
		for (const [d, acc] of this.#acc) {
			if (!used(d)) continue;
			let perThing = acc.values.get(thing);
			if (!perThing) acc.values.set(thing, (perThing = new Map()));
			perThing.set(metric, mode === "sum" ? (perThing.get(metric) ?? 0) + amount : amount);
		}
	}

	close(now: number): ClosedWindow[] {
		const closed: ClosedWindow[] = [];
		for (const [d, acc] of this.#acc) {
			const b = boundary(now, d);
			if (b <= acc.start) continue;
			closed.push({ durationSeconds: d, start: acc.start, end: acc.start + d * 1000, values: acc.values });
			this.#acc.set(d, { start: b, values: new Map() });
		}
		return closed;
	}
}
