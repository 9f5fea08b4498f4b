/*
 * report-budget — a global bound on the report details the activity rings hold (payload text and accepted
 * values): past `maxBytes` the oldest details anywhere are stripped (payload data emptied and marked
 * truncated, values dropped), so memory stays bounded however many things report. Summaries stay.
 */
import type { ReportEntry } from "./activity";

export const DEFAULT_DETAIL_BYTES = 16 * 1024 * 1024;

interface Held {
	entry: ReportEntry;
	bytes: number;
}

export class ReportBudget {
	readonly #maxBytes: number;
	#queue: Held[] = [];
	readonly #held = new WeakMap<ReportEntry, Held>();
	#head = 0;
	#live = 0;
	#bytes = 0;

	constructor(maxBytes = DEFAULT_DETAIL_BYTES) {
		this.#maxBytes = maxBytes;
	}

	/** Bytes of detail held now. */
	get bytes(): number {
		return this.#bytes;
	}

	/** Counts a new entry's detail, stripping the oldest details while over budget. */
	hold(entry: ReportEntry): void {
		// JSON length is a floor for the values as JS objects: count them twice
		const bytes = entry.payload.data.length + (entry.metrics ? 2 * JSON.stringify(entry.metrics).length : 0);
		const h = { entry, bytes };
		this.#queue.push(h);
		this.#held.set(entry, h);
		this.#bytes += bytes;
		this.#live++;
		while (this.#bytes > this.#maxBytes && this.#head < this.#queue.length) this.#strip(this.#queue[this.#head++]);
		this.#compact();
	}

	/** An entry left its ring: its detail no longer counts. */
	release(entry: ReportEntry): void {
		const held = this.#held.get(entry);
		if (held) this.#strip(held);
	}

	#strip(h: Held): void {
		if (h.bytes < 0) return;
		this.#bytes -= h.bytes;
		this.#live--;
		h.bytes = -1;
		h.entry.payload = { ...h.entry.payload, data: "", truncated: true };
		delete h.entry.metrics;
	}

	#compact(): void {
		while (this.#head < this.#queue.length && this.#queue[this.#head].bytes < 0) this.#head++;
		if (this.#head > 1024 && this.#head * 2 > this.#queue.length) (this.#queue = this.#queue.slice(this.#head)), (this.#head = 0);
		if (this.#queue.length - this.#head > 2 * this.#live + 1024) (this.#queue = this.#queue.slice(this.#head).filter((h) => h.bytes >= 0)), (this.#head = 0);
	}
}
