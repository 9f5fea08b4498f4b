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
