/*
 * history — the training data of an ML behavior: the store's metric history (store-fleet.ts `metric_rows`:
 * one packed row per accepted report with its device-side metrics, one per thing per closed 300 s window
 * with its cloud-side counters) of the targeted things in the training period. The store writes a
 * cloud-side datapoint only for a counter that moved, so a window in which the thing was active (some
 * cloud-side datapoint) without one of the behavior's counter is a 0 datapoint, as the engine evaluates a
 * connected quiet thing. The rows have no metric index: a read decodes every row of the period, so the
 * cloud-side metrics are read together in one pass, in steps (sampleSteps) that the window close runs
 * sliced like the rest of its work. A source hands the rows over a page at a time; a page is an array
 * (SQLite reads it at once) or a promise of one (PostgreSQL: the step waits for it, steps.ts). MemoryHistory
 * is the same source without a database (benchmarks, tests).
 */
import { METRICS } from "../catalogue";
import { numericOf, type MetricValue } from "../metric-value";
import { awaitStep, drain, type Step } from "../steps";
import type { Sample } from "./model";

export interface HistoryRow {
	thing: string;
	metric: string;
	time: number;
	value: MetricValue;
}

/** A page of history rows, now or once read. */
export type HistoryPage = HistoryRow[] | Promise<HistoryRow[]>;

/**
 * Where training data comes from: the store (CloudStore, PgStore: metricHistoryPages) or MemoryHistory.
 * The datapoints of any of `metrics` with time in [from, to), a page at a time, in one pass; the next page
 * is asked for only once the previous one is in hand (its promise resolved).
 */
export interface HistorySource {
	metricHistoryPages(metrics: readonly string[], from: number, to: number): Iterable<HistoryPage>;
}

const CLOUD_ML_METRICS = [...METRICS].filter(([, i]) => i.side === "cloud" && i.ml).map(([name]) => name);

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

	/** One page: every datapoint at once. */
	*metricHistoryPages(metrics: readonly string[], from: number, to: number): Iterable<HistoryRow[]> {
		const page: HistoryRow[] = [];
		for (const metric of new Set(metrics)) {
			const list = this.#rows.get(metric);
			if (!list) continue;
			for (let i = 0; i < list.times.length; i++) {
				const time = list.times[i];
				if (time >= from && time < to) page.push({ thing: list.things[i], metric, time, value: { count: list.values[i] } });
			}
		}
		yield page;
	}
}

/** rows read per step of sampleSteps */
export const ROWS_PER_STEP = 1_000;

/** One thing's datapoints, as columns (a fleet's training data is millions of datapoints: no object each). */
export interface ThingSeries {
	times: number[];
	values: number[];
}

/** Training data grouped by thing; `count` datapoints in all. */
export interface GroupedSamples {
	count: number;
	byThing: Map<string, ThingSeries>;
}

/** The numeric datapoints of `metric` from the things `targeted` picks, in [from, to) (tests; one object each). */
export function samplesOf(source: HistorySource, metric: string, targeted: (thing: string) => boolean, from: number, to: number): Sample[] {
	const grouped = drain(sampleSteps(source, metric, targeted, from, to), "reading the metric history");
	const out: Sample[] = [];
	for (const [thing, { times, values }] of grouped.byThing) for (let i = 0; i < times.length; i++) out.push({ thing, time: times[i], value: values[i] });
	return out;
}

/**
 * The datapoints of samplesOf, grouped by thing, in steps of ROWS_PER_STEP rows read (the history of a big
 * fleet is millions of rows); `countOnly`: the count alone (progress of a model still collecting), nothing kept.
 */
export function* sampleSteps(source: HistorySource, metric: string, targeted: (thing: string) => boolean, from: number, to: number, countOnly = false): Generator<Step, GroupedSamples> {
	const byThing = new Map<string, ThingSeries>();
	let count = 0;
	let read = 0;
	if (METRICS.get(metric)?.side !== "cloud") {
		for (const p of source.metricHistoryPages([metric], from, to)) {
			for (const r of p instanceof Promise ? yield* awaitStep(p) : p) {
				if (++read % ROWS_PER_STEP === 0) yield;
				const v = numericOf(r.value);
				if (v === undefined || !Number.isFinite(v) || !targeted(r.thing)) continue;
				count++;
				if (countOnly) continue;
				let series = byThing.get(r.thing);
				if (!series) byThing.set(r.thing, (series = { times: [], values: [] }));
				series.times.push(r.time);
				series.values.push(v);
			}
		}
		return { count, byThing };
	}
	// a cloud-side counter: one datapoint per window in which the thing had any cloud-side activity (0 without the counter)
	const windows = new Map<string, Map<number, number>>();
	for (const p of source.metricHistoryPages(CLOUD_ML_METRICS, from, to)) {
		for (const r of p instanceof Promise ? yield* awaitStep(p) : p) {
			if (++read % ROWS_PER_STEP === 0) yield;
			let perThing = windows.get(r.thing);
			if (!perThing) {
				if (!targeted(r.thing)) continue;
				windows.set(r.thing, (perThing = new Map()));
			}
			const before = perThing.get(r.time);
			if (r.metric === metric) perThing.set(r.time, numericOf(r.value) ?? 0);
			else if (before === undefined) perThing.set(r.time, 0);
		}
	}
	for (const [thing, perThing] of windows) {
		count += perThing.size;
		if (!countOnly) byThing.set(thing, { times: [...perThing.keys()], values: [...perThing.values()] });
	}
	return { count, byThing };
}
