/*
 * percentile — the statistical thresholds (spec §7.3): a statistic name ("p90", "p99.9", …) applied to the
 * fleet's values accumulated over the window, by the nearest-rank method. The rank is found by selection
 * (linear on average), not by sorting, so a fleet of a million values costs a few milliseconds.
 */

export function percentileOf(statistic: string, values: ArrayLike<number>): number | undefined {
	const n = values.length;
	if (n === 0) return undefined;
	const q = Number(statistic.slice(1));
	const rank = Math.ceil((q / 100) * n);
	return select(Float64Array.from(values), Math.min(n - 1, Math.max(0, rank - 1)));
}

/** The k-th smallest of `a` (0-based); reorders `a`. Hoare's selection with a median-of-three pivot. */
function select(a: Float64Array, k: number): number {
	let lo = 0;
	let hi = a.length - 1;
	while (hi > lo) {
		const mid = (lo + hi) >>> 1;
		const pivot = median(a[lo], a[mid], a[hi]);
		let i = lo;
		let j = hi;
		while (i <= j) {
			while (a[i] < pivot) i++;
			while (a[j] > pivot) j--;
			if (i <= j) {
				const t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (k <= j) hi = j;
		else if (k >= i) lo = i;
		else return a[k];
	}
	return a[k];
}

function median(x: number, y: number, z: number): number {
	return x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
}

const BUCKETS = 4096;

/**
 * percentileOf in steps of at most `slice` values (for a window close over a million things): one pass
 * counts the values into BUCKETS equal ranges between min and max, a second collects the range holding the
 * rank, and the selection runs on that range only. Same result as percentileOf.
 */
export function* percentileSteps(statistic: string, values: ArrayLike<number>, slice: number): Generator<void, number | undefined> {
	const n = values.length;
	if (n === 0) return undefined;
	let min = Infinity;
	let max = -Infinity;
	for (let i = 0; i < n; i++) {
		const v = values[i];
		if (v < min) min = v;
		if (v > max) max = v;
		if (i % slice === slice - 1) yield;
	}
	if (min === max) return min;
	const q = Number(statistic.slice(1));
	const k = Math.min(n - 1, Math.max(0, Math.ceil((q / 100) * n) - 1));
	const width = (max - min) / BUCKETS;
	// a range too narrow (or too wide) to split into buckets: select over all of it in one go
	if (!(width > 0) || !Number.isFinite(width)) return select(Float64Array.from(values), k);
	const bucket = (v: number): number => Math.min(BUCKETS - 1, Math.floor((v - min) / width));
	const counts = new Uint32Array(BUCKETS);
	for (let i = 0; i < n; i++) {
		counts[bucket(values[i])]++;
		if (i % slice === slice - 1) yield;
	}
	let b = 0;
	let below = 0;
	while (below + counts[b] <= k) below += counts[b++];
	const inRange = new Float64Array(counts[b]);
	let j = 0;
	for (let i = 0; i < n; i++) {
		if (bucket(values[i]) === b) inRange[j++] = values[i];
		if (i % slice === slice - 1) yield;
	}
	return select(inRange, k - below);
}
