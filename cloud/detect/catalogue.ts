/*
 * catalogue — the Detect metrics (spec §6.1): where each comes from (broker events or device reports), which
 * operators and value field it takes, whether it needs/accepts durationSeconds, whether ML supports it,
 * and how its datapoints add up inside a durationSeconds window (sum of deltas/counts, or last gauge).
 * Custom metrics (names not starting with "aws:") get their shape from the criteria value they use.
 */

export type Side = "cloud" | "device";
export type Shape = "count" | "cidrs" | "ports" | "number" | "numbers" | "strings";

export interface MetricInfo {
	side: Side;
	shape: Shape;
	/** "required": cloud counters are aggregated per window; "optional"; "forbidden": list metrics */
	duration: "required" | "optional" | "forbidden";
	ml: boolean;
	aggregate: "sum" | "last";
}

const NUMERIC_OPS = ["less-than", "less-than-equals", "greater-than", "greater-than-equals"];
const OPS_BY_SHAPE: Record<Shape, string[]> = {
	count: NUMERIC_OPS,
	number: NUMERIC_OPS,
	cidrs: ["in-cidr-set", "not-in-cidr-set"],
	ports: ["in-port-set", "not-in-port-set"],
	numbers: ["in-set", "not-in-set"],
	strings: ["in-set", "not-in-set"],
};

export const DURATIONS = [300, 600, 900, 1800, 3600];

const cloudCounter: MetricInfo = { side: "cloud", shape: "count", duration: "required", ml: true, aggregate: "sum" };
const deviceDelta: MetricInfo = { side: "device", shape: "count", duration: "optional", ml: true, aggregate: "sum" };
const deviceGauge: MetricInfo = { side: "device", shape: "count", duration: "optional", ml: true, aggregate: "last" };

export const METRICS: ReadonlyMap<string, MetricInfo> = new Map<string, MetricInfo>([
	["aws:num-messages-sent", cloudCounter],
	["aws:num-messages-received", cloudCounter],
	["aws:num-authorization-failures", cloudCounter],
	["aws:num-connection-attempts", cloudCounter],
	["aws:num-disconnects", cloudCounter],
	["aws:message-byte-size", { side: "cloud", shape: "count", duration: "optional", ml: true, aggregate: "sum" }],
	["aws:source-ip-address", { side: "cloud", shape: "cidrs", duration: "forbidden", ml: false, aggregate: "last" }],
	["aws:all-bytes-in", deviceDelta],
	["aws:all-bytes-out", deviceDelta],
	["aws:all-packets-in", deviceDelta],
	["aws:all-packets-out", deviceDelta],
	["aws:num-listening-tcp-ports", deviceGauge],
	["aws:num-listening-udp-ports", deviceGauge],
	["aws:num-established-tcp-connections", deviceGauge],
	["aws:listening-tcp-ports", { side: "device", shape: "ports", duration: "forbidden", ml: false, aggregate: "last" }],
	["aws:listening-udp-ports", { side: "device", shape: "ports", duration: "forbidden", ml: false, aggregate: "last" }],
	["aws:destination-ip-addresses", { side: "device", shape: "cidrs", duration: "forbidden", ml: false, aggregate: "last" }],
]);

export const CUSTOM_METRIC_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/** The catalogue entry of a custom metric whose criteria value has `shape`. */
export function customMetric(shape: Shape): MetricInfo {
	const list = shape !== "number";
	return { side: "device", shape, duration: list ? "forbidden" : "optional", ml: !list, aggregate: "last" };
}

export function operatorsFor(shape: Shape): string[] {
	return OPS_BY_SHAPE[shape];
}

export function isCustomMetric(name: string): boolean {
	return !name.startsWith("aws:");
}
