/*
 * custom-metrics — the custom metric registry's types (CreateCustomMetric: number, number-list,
 * string-list, ip-address-list), the value shape each type takes in behaviors and reports, and the
 * screening of a report's custom metrics: one of an unregistered name or of a shape other than its
 * registered type is not evaluated, and is said so (docs/cloud.md "Custom metrics registry").
 */
import type { Shape } from "./catalogue";
import type { Dimension } from "./dimensions";
import type { MetricValue } from "./metric-value";

export const CUSTOM_METRIC_TYPES = ["number", "number-list", "string-list", "ip-address-list"] as const;
export type CustomMetricType = (typeof CUSTOM_METRIC_TYPES)[number];

export interface CustomMetric {
	metricName: string;
	metricType: CustomMetricType;
	displayName?: string;
	/** epoch ms */
	creationDate: number;
	lastModifiedDate: number;
	clientRequestToken?: string;
}

const SHAPE_OF: Record<CustomMetricType, Shape> = {
	number: "number",
	"number-list": "numbers",
	"string-list": "strings",
	"ip-address-list": "cidrs",
};

/** The MetricValue field a custom metric of `type` uses (value.number, numbers, strings, cidrs). */
export function shapeOfType(type: CustomMetricType): Shape {
	return SHAPE_OF[type];
}

/** What the custom-metric side of Detect needs to know: the registered definitions by name. */
export interface DetectDefinitions {
	customMetric(name: string): CustomMetric | undefined;
	dimension(name: string): Dimension | undefined;
}

/** A report's custom metric Detect did not evaluate, and why. */
export interface IgnoredMetric {
	name: string;
	reason: string;
}

function shapeOfValue(v: MetricValue): Shape | undefined {
	if (v.number !== undefined) return "number";
	if (v.numbers !== undefined) return "numbers";
	if (v.strings !== undefined) return "strings";
	if (v.cidrs !== undefined) return "cidrs";
	return undefined;
}

const TYPE_OF_SHAPE: Partial<Record<Shape, CustomMetricType>> = { number: "number", numbers: "number-list", strings: "string-list", cidrs: "ip-address-list" };

/** The report's values Detect evaluates (aws: metrics and registered custom metrics of their type) and the rest. */
export function screenCustomMetrics(values: Map<string, MetricValue>, defs: DetectDefinitions): { values: Map<string, MetricValue>; ignored: IgnoredMetric[] } {
	const ignored: IgnoredMetric[] = [];
	const kept = new Map<string, MetricValue>();
	for (const [name, value] of values) {
		if (name.startsWith("aws:")) {
			kept.set(name, value);
			continue;
		}
		const def = defs.customMetric(name);
		const sent = shapeOfValue(value);
		const sentType = sent === undefined ? "unknown" : TYPE_OF_SHAPE[sent];
		if (!def) ignored.push({ name, reason: `unknown custom metric (not created with CreateCustomMetric), sent as ${sentType}` });
		else if (sent !== shapeOfType(def.metricType)) ignored.push({ name, reason: `wrong type: sent as ${sentType}, registered as ${def.metricType}` });
		else kept.set(name, value);
	}
	return { values: kept, ignored };
}

/** A thing's counters of custom metrics left out (ThingMetrics fields). */
export interface IgnoredCounters {
	customMetricsIgnored?: number;
	lastIgnoredCustomMetric?: IgnoredMetric;
}

/** The report values Detect evaluates; each one left out is counted on `status` and logged. No definitions: all. */
export function evaluated(thing: string, status: IgnoredCounters, values: Map<string, MetricValue>, defs: DetectDefinitions | undefined, log: (s: string) => void): Map<string, MetricValue> {
	if (!defs) return values;
	const screened = screenCustomMetrics(values, defs);
	for (const i of screened.ignored) {
		status.customMetricsIgnored = (status.customMetricsIgnored ?? 0) + 1;
		status.lastIgnoredCustomMetric = i;
		log(`report: ${thing} custom metric ${i.name} not evaluated: ${i.reason}`);
	}
	return screened.values;
}
