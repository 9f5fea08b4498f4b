/*
 * model — the ML Detect model of one behavior: a robust per-device seasonal baseline on log-scaled values
 * (a median/MAD detector in the line of Hampel's identifier and Twitter's seasonal-hybrid ESD, without
 * their test statistics). Each datapoint v becomes x = sign(v)·log(1+|v|); per device the model keeps
 *   - hours[h]: the median of x at UTC hour-of-day h over the training period (diurnal traffic),
 *   - level: the median residual x − hours[h] over the last day (slow drift, a firmware step last seen),
 *   - scale: 1.4826·MAD of the residuals, at least SCALE_FLOOR (a constant gauge has MAD 0),
 *   - tail: the 99.9th percentile of the device's own training scores (bursty devices score high legitimately).
 * A datapoint scores z = (x − hours[h] − level) / scale; it is anomalous at a confidence level when
 * z > max(Z[level], K[level]·tail) (a spike beyond anything the device does), or when it and the
 * SUSTAINED − 1 datapoints before it all score above S[level] (a shift that lasts: a k-of-k rule in the
 * spirit of CUSUM; a bursty device's isolated spikes do not pass it). Only the upper side alarms (more
 * traffic, more failures, more ports).
 * Things with no history of their own are judged against the fleet baseline (the medians of the devices').
 */
import type { GroupedSamples, ThingSeries } from "./history";
import type { Level } from "./options";

export interface Baseline {
	hours: number[];
	level: number;
	scale: number;
	tail: number;
}

export interface Model {
	/** epoch ms of the end of the training period */
	trainedAt: number;
	datapoints: number;
	devices: Record<string, Baseline>;
	fleet: Baseline;
}

export interface Sample {
	thing: string;
	/** epoch ms */
	time: number;
	value: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SCALE_FLOOR = 0.25;
const MAD_TO_SIGMA = 1.4826;
/** fewer datapoints than this in an hour bucket: the device's overall median stands in */
const MIN_PER_HOUR = 3;
/** fewer datapoints than this in the last day: no level correction */
const MIN_LAST_DAY = 12;
const TAIL_QUANTILE = 0.999;

/** Score thresholds per confidence level: HIGH alarms least and surest, LOW most. */
export const THRESHOLDS: Record<Level, { z: number; tail: number; sustained: number }> = {
	LOW: { z: 3.5, tail: 1.0, sustained: 3 },
	MEDIUM: { z: 4.5, tail: 1.25, sustained: 3.5 },
	HIGH: { z: 6, tail: 1.5, sustained: 4 },
};
/** datapoints in a row that the sustained rule looks at */
export const SUSTAINED = 3;

export const scaled = (v: number): number => Math.sign(v) * Math.log1p(Math.abs(v));

const hourOf = (t: number): number => Math.floor(t / HOUR_MS) % 24;

function quantile(sorted: ArrayLike<number>, q: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function median(values: ArrayLike<number>): number {
	return quantile(Float64Array.from(values).sort(), 0.5);
}

function baselineOf(times: readonly number[], values: readonly number[], end: number): Baseline {
	const n = times.length;
	const xs = Float64Array.from(values, scaled);
	const overall = median(xs);
	const buckets: number[][] = Array.from({ length: 24 }, () => []);
	for (let i = 0; i < n; i++) buckets[hourOf(times[i])].push(xs[i]);
	const hours = buckets.map((b) => (b.length >= MIN_PER_HOUR ? median(b) : overall));
	const residuals = new Float64Array(n);
	for (let i = 0; i < n; i++) residuals[i] = xs[i] - hours[hourOf(times[i])];
	const center = median(residuals);
	const scale = Math.max(MAD_TO_SIGMA * median(residuals.map((r) => Math.abs(r - center))), SCALE_FLOOR);
	const recent: number[] = [];
	for (let i = 0; i < n; i++) if (times[i] >= end - DAY_MS) recent.push(residuals[i]);
	const level = recent.length >= MIN_LAST_DAY ? median(recent) : center;
	const scores = residuals.map((r) => (r - center) / scale).sort();
	return { hours, level, scale, tail: Math.max(0, quantile(scores, TAIL_QUANTILE)) };
}

/** The fleet baseline (the medians of the devices'), an hour of the day per step (each a median over the fleet). */
function* fleetSteps(devices: Baseline[]): Generator<void, Baseline> {
	const hours: number[] = [];
	const column = new Float64Array(devices.length);
	for (let h = 0; h < 24; h++) {
		for (let i = 0; i < devices.length; i++) column[i] = devices[i].hours[h] + devices[i].level;
		hours.push(median(column));
		yield;
	}
	for (let i = 0; i < devices.length; i++) column[i] = devices[i].scale;
	const scale = median(column);
	yield;
	for (let i = 0; i < devices.length; i++) column[i] = devices[i].tail;
	return { hours, level: 0, scale, tail: median(column) };
}

/** Trains on the samples of the period ending at `end` (at least one sample). */
export function train(samples: Iterable<Sample>, end: number): Model {
	const byThing = new Map<string, ThingSeries>();
	let count = 0;
	for (const s of samples) {
		let series = byThing.get(s.thing);
		if (!series) byThing.set(s.thing, (series = { times: [], values: [] }));
		series.times.push(s.time);
		series.values.push(s.value);
		count++;
	}
	const steps = trainSteps({ count, byThing }, end);
	let r = steps.next();
	while (!r.done) r = steps.next();
	return r.value;
}

/** datapoints of device baselines computed per step of trainSteps */
const TRAIN_STEP = 5_000;

/** train() on samples already grouped by thing, in steps of about TRAIN_STEP datapoints' work. */
export function* trainSteps(samples: GroupedSamples, end: number): Generator<void, Model> {
	const devices: Record<string, Baseline> = {};
	let work = 0;
	for (const [thing, { times, values }] of samples.byThing) {
		devices[thing] = baselineOf(times, values, end);
		work += times.length;
		if (work >= TRAIN_STEP) {
			work = 0;
			yield;
		}
	}
	const fleet = yield* fleetSteps(Object.values(devices));
	return { trainedAt: end, datapoints: samples.count, devices, fleet };
}

/** The anomaly score of `value` of `thing` at `time` (in the model's scale units above the baseline). */
export function score(model: Model, thing: string, time: number, value: number): { z: number; tail: number } {
	const b = model.devices[thing] ?? model.fleet;
	return { z: (scaled(value) - b.hours[hourOf(time)] - b.level) / b.scale, tail: b.tail };
}

/** Is the datapoint anomalous at `level`? `recent`: the scores of the thing's previous datapoints, newest last. */
export function anomalous(level: Level, z: number, tail: number, recent: readonly number[]): boolean {
	const t = THRESHOLDS[level];
	if (z > Math.max(t.z, t.tail * tail)) return true;
	return recent.length >= SUSTAINED - 1 && Math.min(z, ...recent.slice(-(SUSTAINED - 1))) > t.sustained;
}
