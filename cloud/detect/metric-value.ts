/*
 * metric-value — the MetricValue shape AWS uses both for behavior criteria values and for datapoints
 * (ListMetricValues): exactly one of count, cidrs, ports, number, numbers, strings.
 */

export interface MetricValue {
	count?: number;
	cidrs?: string[];
	ports?: number[];
	number?: number;
	numbers?: number[];
	strings?: string[];
}

/** The single numeric reading of a value (count or number), if it has one. */
export function numericOf(value: MetricValue): number | undefined {
	return value.count ?? value.number;
}

/** The list reading of a value (cidrs, ports, numbers or strings), if it has one. */
export function listOf(value: MetricValue): (string | number)[] | undefined {
	return value.cidrs ?? value.ports ?? value.numbers ?? value.strings;
}
