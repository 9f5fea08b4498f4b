/*
 * history — the training data of an ML behavior: the store's metric rows (the `metrics` table: one row per
 * accepted report and device-side metric, one per closed 300 s window and cloud-side counter) of the
 * targeted things in the training period. The store writes a cloud-side row only for a counter that moved,
 * so a window in which the thing was active (some cloud-side row) without a row of the behavior's counter
 * is a 0 datapoint, as the engine evaluates a connected quiet thing. MemoryHistory is the same source
 * without a database (benchmarks, tests).
 */
import type Database from "better-sqlite3";
import { METRICS } from "../catalogue";
import { numericOf, type MetricValue } from "../metric-value";
import type { Sample } from "./model";

export interface HistoryRow {
	thing: string;
	time: number;
	value: MetricValue;
}

export interface HistorySource {
	/** rows of `metric` with time in [from, to) */
	rows(metric: string, from: number, to: number): Iterable<HistoryRow>;
}

const CLOUD_ML_METRICS = [...METRICS].filter(([, i]) => i.side === "cloud" && i.ml).map(([name]) => name);

export class SqlHistory implements HistorySource {
	readonly #select: Database.Statement;

	constructor(db: Database.Database) {
		// training reads one metric of every thing over 14 days: without this index SQLite scans every metric's rows
		db.exec("CREATE INDEX IF NOT EXISTS metrics_metric_time ON metrics (metric, time)");
		this.#select = db.prepare("SELECT thing, time, value FROM metrics WHERE metric = ? AND time >= ? AND time < ?");
	}

	*rows(metric: string, from: number, to: number): Iterable<HistoryRow> {
		for (const r of this.#select.iterate(metric, from, to) as Iterable<{ thing: string; time: number; value: string }>) {
			yield { thing: r.thing, time: r.time, value: JSON.parse(r.value) as MetricValue };
		}
	}
}

export class MemoryHistory implements HistorySource {
	readonly #rows = new Map<string, { things: string[]; times: number[]; values: number[] }>();

	/** Appends a numeric datapoint (list values are not training data). */
	add(metric: string, thing: string, time: number, value: number): void {
		let list = this.#rows.get(metric);
		if (!list) this.#rows.set(metric, (list = { things: [], times: [], values: [] }));
		list.things.push(thing);
		list.times.push(time);
		list.values.push(value);
	}

	*rows(metric: string, from: number, to: number): Iterable<HistoryRow> {
		const list = this.#rows.get(metric);
		if (!list) return;
		for (let i = 0; i < list.times.length; i++) {
			const time = list.times[i];
			if (time >= from && time < to) yield { thing: list.things[i], time, value: { count: list.values[i] } };
		}
	}
}

/** The numeric datapoints of `metric` from the things `targeted` picks, in [from, to). */
export function samplesOf(source: HistorySource, metric: string, targeted: (thing: string) => boolean, from: number, to: number): Sample[] {
	const out: Sample[] = [];
	if (METRICS.get(metric)?.side !== "cloud") {
		for (const r of source.rows(metric, from, to)) {
			const v = numericOf(r.value);
			if (v !== undefined && Number.isFinite(v) && targeted(r.thing)) out.push({ thing: r.thing, time: r.time, value: v });
		}
		return out;
	}
	const windows = new Map<string, Map<number, Sample>>();
	for (const m of CLOUD_ML_METRICS) {
		for (const r of source.rows(m, from, to)) {
			let perThing = windows.get(r.thing);
			if (!perThing) {
				if (!targeted(r.thing)) continue;
				windows.set(r.thing, (perThing = new Map()));
			}
			let s = perThing.get(r.time);
			if (!s) perThing.set(r.time, (s = { thing: r.thing, time: r.time, value: 0 }));
			if (m === metric) s.value = numericOf(r.value) ?? 0;
		}
	}
	for (const perThing of windows.values()) for (const s of perThing.values()) out.push(s);
	return out;
}
