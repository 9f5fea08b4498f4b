/*
 * dimensions — Detect dimensions (spec §6.3, §12): a TOPIC_FILTER dimension names up to 100 MQTT topic
 * filters (`+`, `#`, `${iot:ClientId}` = the thing name); a behavior of a message metric that names one in
 * `metricDimension` counts only the messages whose topic matches one of the filters (IN, the default) or
 * none of them (NOT_IN). Validation of a definition, the metrics that take a dimension, and the per-behavior
 * scope Detect counts with (one window series per metric + dimension + operator, so memory is bounded by
 * the behaviors, not by the topics seen).
 */
import { topicMatches } from "../broker/policy";

export const DIMENSION_TYPES = ["TOPIC_FILTER"] as const;
export type DimensionType = (typeof DIMENSION_TYPES)[number];

export interface Dimension {
	name: string;
	type: DimensionType;
	stringValues: string[];
	/** epoch ms */
	creationDate: number;
	lastModifiedDate: number;
	clientRequestToken?: string;
}

/** The cloud-side message metrics a behavior may scope with a TOPIC_FILTER dimension (spec §6.1). */
export const DIMENSION_METRICS: ReadonlySet<string> = new Set([
	"aws:num-messages-sent",
	"aws:num-messages-received",
	"aws:num-authorization-failures",
	"aws:message-byte-size",
]);

export const DIMENSION_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const MAX_VALUES = 100;
const MAX_VALUE_LENGTH = 256;
const CLIENT_ID = "${iot:ClientId}";

/** Why `filter` is not a TOPIC_FILTER value, or undefined when it is one. */
export function topicFilterProblem(filter: unknown): string | undefined {
	if (typeof filter !== "string" || filter.length < 1 || filter.length > MAX_VALUE_LENGTH) return `a topic filter must be 1-${MAX_VALUE_LENGTH} characters`;
	if (filter.includes("\u0000")) return `topic filter ${JSON.stringify(filter)} contains NUL`;
	const plain = filter.split(CLIENT_ID).join("x");
	if (plain.includes("${")) return `topic filter ${filter}: the only substitution variable is ${CLIENT_ID}`;
	const levels = plain.split("/");
	for (let i = 0; i < levels.length; i++) {
		const l = levels[i];
		if (l.includes("#") && (l !== "#" || i !== levels.length - 1)) return `topic filter ${filter}: # must be a whole last level`;
		if (l.includes("+") && l !== "+") return `topic filter ${filter}: + must be a whole level`;
	}
	return undefined;
}

/** Every reason `values` is not a dimension's stringValues list (1-100 valid topic filters). */
export function stringValuesProblems(values: unknown): string[] {
	if (!Array.isArray(values) || values.length < 1 || values.length > MAX_VALUES) return [`stringValues must be a list of 1 to ${MAX_VALUES} topic filters`];
	const out: string[] = [];
	for (const v of values) {
		const p = topicFilterProblem(v);
		if (p) out.push(p);
	}
	if (new Set(values).size !== values.length) out.push("stringValues has duplicate topic filters");
	return out;
}

/** What a bound behavior with a metricDimension counts: its window series and which topics belong to it. */
export interface DimensionScope {
	/** the window series: metric NUL dimension NUL operator */
	key: string;
	/** true when a message on `topic` of `thing` counts toward the behavior */
	counts(topic: string, thing: string): boolean;
}

export function scopeKey(metric: string, dimension: string, operator: "IN" | "NOT_IN"): string {
	return `${metric}\u0000${dimension}\u0000${operator}`;
}

/** The scope of a behavior on `metric` with `dimension` (undefined = dimension missing: counts nothing). */
export function dimensionScope(metric: string, name: string, operator: "IN" | "NOT_IN" | undefined, dimension: Dimension | undefined): DimensionScope {
	const op = operator ?? "IN";
	const key = scopeKey(metric, name, op);
	if (!dimension) return { key, counts: () => false };
	const filters = dimension.stringValues;
	const plain = filters.every((f) => !f.includes(CLIENT_ID));
	const matchesAny = plain
		? (topic: string): boolean => filters.some((f) => topicMatches(f, topic))
		: (topic: string, thing: string): boolean => filters.some((f) => topicMatches(f.split(CLIENT_ID).join(thing), topic));
	return { key, counts: op === "IN" ? matchesAny : (topic, thing) => !matchesAny(topic, thing) };
}
