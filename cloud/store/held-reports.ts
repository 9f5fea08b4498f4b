/*
 * held-reports — reports of things another process evaluates, kept for a short while: if that process dies
 * and this one takes the partition over, the reports it may not have committed are replayed here (those it
 * did commit are skipped by report id). Bounded by age and by count; an overflow drops the oldest and counts them.
 */
import { decodeReport } from "../reports/decode";
import { matchReportTopic } from "../reports/topics";

export interface HeldReport {
	thing: string;
	topic: string;
	payload: Buffer;
	/** performance.now() at receipt */
	at: number;
}

export const HELD_REPORTS_MAX = 100_000;

export class HeldReports {
	#byPart = new Map<number, HeldReport[]>();
	#count = 0;
	dropped = 0;

	constructor(
		private readonly keepMs: number,
		private readonly partOf: (thing: string) => number,
		private readonly max = HELD_REPORTS_MAX,
	) {}

	hold(thing: string, topic: string, payload: Buffer, now: number): void {
		const part = this.partOf(thing);
		let list = this.#byPart.get(part);
		if (!list) this.#byPart.set(part, (list = []));
		list.push({ thing, topic, payload, at: now });
		this.#count++;
		if (this.#count > this.max) this.#dropOldest();
	}

	/** Forgets reports older than the keep time. */
	trim(now: number): void {
		for (const [part, list] of this.#byPart) {
			const keep = list.filter((r) => now - r.at <= this.keepMs);
			this.#count -= list.length - keep.length;
			if (keep.length) this.#byPart.set(part, keep);
			else this.#byPart.delete(part);
		}
	}

	/** Takes the held reports of `parts`, in order of receipt. */
	take(parts: number[]): HeldReport[] {
		const out = parts.flatMap((p) => this.#byPart.get(p) ?? []);
		for (const p of parts) this.#byPart.delete(p);
		this.#count -= out.length;
		return out.sort((a, b) => a.at - b.at);
	}

	get size(): number {
		return this.#count;
	}

	#dropOldest(): void {
		let oldest: HeldReport[] | undefined;
		for (const list of this.#byPart.values()) if (!oldest || (list[0] && list[0].at < (oldest[0]?.at ?? Infinity))) oldest = list;
		if (oldest?.shift()) {
			this.#count--;
			this.dropped++;
		}
	}
}

/** The report id of a held report, or undefined when it does not decode (then it is replayed and refused as usual). */
export function heldReportId(r: HeldReport): number | undefined {
	const format = matchReportTopic(r.topic)?.format;
	if (!format) return undefined;
	try {
		return decodeReport(r.payload, format).reportId;
	} catch {
		return undefined;
	}
}
