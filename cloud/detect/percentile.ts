/*
 * percentile — the statistical thresholds (spec §7.3): a statistic name ("p90", "p99.9", …) applied to the
 * fleet's values accumulated over the window, by the nearest-rank method.
 */

export function percentileOf(statistic: string, values: number[]): number | undefined {
	if (values.length === 0) return undefined;
	const q = Number(statistic.slice(1));
	const sorted = values.slice().sort((a, b) => a - b);
	const rank = Math.ceil((q / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
