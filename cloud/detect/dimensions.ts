/*
 * dimensions — Detect dimensions (spec §6.3, §12): a TOPIC_FILTER dimension names up to 100 MQTT topic
 * filters (`+`, `#`, `${iot:ClientId}` = the thing name); a behavior of a message metric that names one in
 * `metricDimension` counts only the messages whose topic matches one of the filters (IN, the default) or
 * none of them (NOT_IN). Validation of a definition, the metrics that take a dimension, and the per-behavior
 * scope Detect counts with (one window series per metric + dimension + operator, so memory is bounded by
 * the behaviors, not by the topics seen).
 */
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

/** One message's topic as Detect's dimension matching sees it: split once, each dimension decided once. */
export class TopicView {
	readonly levels: string[];
	readonly thing: string;
	readonly #decided = new Map<string, boolean>();

	constructor(topic: string, thing: string) {
		this.levels = topic.split("/");
		this.thing = thing;
	}

	/** Whether the topic matches one of dimension `name`'s filters (computed once per view). */
	inDimension(name: string, match: (view: TopicView) => boolean): boolean {
		let v = this.#decided.get(name);
		if (v === undefined) this.#decided.set(name, (v = match(this)));
		return v;
	}
}

/** What a bound behavior with a metricDimension counts: its window series and which topics belong to it. */
export interface DimensionScope {
	/** the window series: scopeKey(metric, dimension, operator) */
	key: string;
	/** true when the message seen through `view` counts toward the behavior */
	counts(view: TopicView): boolean;
}

/** The series name of a scoped count: window key, and metric name of its history rows (ListMetricValues). */
export function scopeKey(metric: string, dimension: string, operator: "IN" | "NOT_IN"): string {
	return `${metric}[${dimension} ${operator}]`;
}

/** The metric a scope key counts (undefined for a plain metric name). */
export function scopedMetric(key: string): string | undefined {
	const i = key.indexOf("[");
	return i < 0 ? undefined : key.slice(0, i);
}

type Level = string | { template: string };

/** True when filter levels `f` match the topic of `view` (MQTT rules; `${iot:ClientId}` = the thing). */
function levelsMatch(f: Level[], view: TopicView): boolean {
	const t = view.levels;
	if (t[0].startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
	for (let i = 0; i < f.length; i++) {
		const l = f[i];
		if (l === "#") return true;
		if (i >= t.length) return false;
		if (l === "+") continue;
		if (typeof l === "string" ? l !== t[i] : l.template.split(CLIENT_ID).join(view.thing) !== t[i]) return false;
	}
	return f.length === t.length;
}

/** A dimension's filters compiled once: levels split, `${iot:ClientId}` levels marked. */
function compile(d: Dimension): (view: TopicView) => boolean {
	const filters = d.stringValues.map((f) => f.split("/").map((l): Level => (l.includes(CLIENT_ID) ? { template: l } : l)));
	return (view) => filters.some((f) => levelsMatch(f, view));
}

/** The scope of a behavior on `metric` with `dimension` (undefined = dimension missing: counts nothing). */
export function dimensionScope(metric: string, name: string, operator: "IN" | "NOT_IN" | undefined, dimension: Dimension | undefined): DimensionScope {
	const op = operator ?? "IN";
	const key = scopeKey(metric, name, op);
	if (!dimension) return { key, counts: () => false };
	const match = compile(dimension);
	// the memo is keyed by the dimension object's identity too: an UpdateDimension replaces the object
	const id = `${name}\u0000${dimension.lastModifiedDate}`;
	return { key, counts: op === "IN" ? (view) => view.inDimension(id, match) : (view) => !view.inDimension(id, match) };
}
