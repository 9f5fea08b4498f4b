/*
 * validate — ValidateSecurityProfileBehaviors: every reason AWS would refuse a profile, as
 * validationErrors[{errorMessage}]. createSecurityProfile refuses a profile with any error
 * (CloudError code InvalidRequest). With the account's definitions (definitions.ts) a custom metric must be
 * registered and is checked against its registered type, and a metricDimension must name an existing
 * dimension on a message metric; without them (offline validation of a file) a custom metric's type is
 * inferred from its criteria value and any metricDimension is refused.
 */
import type { ValidationError } from "../errors";
import { CUSTOM_METRIC_NAME, DURATIONS, METRICS, customMetric, isCustomMetric, operatorsFor, type MetricInfo, type Shape } from "./catalogue";
import { OPERATORS, STRING_SET_OPERATORS } from "./operators";
import { shapeOfType, type DetectDefinitions } from "./custom-metrics";
import { DIMENSION_METRICS } from "./dimensions";
import type { Behavior, BehaviorCriteria } from "./profile";

const NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const STATISTICS = ["p0", "p0.1", "p0.01", "p1", "p10", "p50", "p90", "p99", "p99.9", "p99.99", "p100"];
const CONFIDENCE = ["LOW", "MEDIUM", "HIGH"];
const PROFILE_KEYS = [
	"securityProfileName",
	"securityProfileDescription",
	"behaviors",
	"alertTargets",
	"additionalMetricsToRetain",
	"additionalMetricsToRetainV2",
	"tags",
	"metricsExportConfig",
];
const BEHAVIOR_KEYS = ["name", "metric", "metricDimension", "criteria", "suppressAlerts", "exportMetric"];
const CRITERIA_KEYS = [
	"comparisonOperator",
	"value",
	"durationSeconds",
	"consecutiveDatapointsToAlarm",
	"consecutiveDatapointsToClear",
	"statisticalThreshold",
	"mlDetectionConfig",
];
const VALUE_KEYS: Shape[] = ["count", "cidrs", "ports", "number", "numbers", "strings"];
const MAX_BEHAVIORS = 100;
const ML_METRICS_HINT = `ML Detect learns ${[...METRICS].filter(([, i]) => i.ml).map(([m]) => m).join(", ")} and custom number metrics; not IP addresses or port lists`;
const MAX_VALUE_ELEMENTS = 1000;

type Errors = string[];

function unknownKeys(obj: object, allowed: string[], where: string, errors: Errors): void {
	for (const k of Object.keys(obj)) if (!allowed.includes(k)) errors.push(`${where}: unknown parameter "${k}"`);
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

function shapeOfValue(value: unknown): Shape | undefined {
	if (!isObject(value)) return undefined;
	const present = VALUE_KEYS.filter((k) => value[k] !== undefined);
	return present.length === 1 ? present[0] : undefined;
}

function metricInfo(b: Behavior, errors: Errors, where: string, defs: DetectDefinitions | undefined): MetricInfo | undefined {
	if (typeof b.metric !== "string") {
		errors.push(`${where}: metric is required`);
		return undefined;
	}
	const known = METRICS.get(b.metric);
	if (known) return known;
	if (!isCustomMetric(b.metric) || !CUSTOM_METRIC_NAME.test(b.metric)) {
		errors.push(`${where}: unknown metric ${b.metric}`);
		return undefined;
	}
	if (defs) {
		const registered = defs.customMetric(b.metric);
		if (!registered) return void errors.push(`${where}: custom metric ${b.metric} does not exist (create it with CreateCustomMetric first)`);
		return customMetric(shapeOfType(registered.metricType));
	}
	const shape = shapeOfValue(b.criteria?.value) ?? "number";
	return customMetric(shape === "count" ? "number" : shape);
}

function checkDimension(b: Behavior, where: string, errors: Errors, defs: DetectDefinitions | undefined): void {
	const md = b.metricDimension as unknown;
	if (md === undefined) return;
	if (!isObject(md) || typeof md.dimensionName !== "string") return void errors.push(`${where}: metricDimension needs a dimensionName`);
	unknownKeys(md, ["dimensionName", "operator"], `${where}: metricDimension`, errors);
	if (md.operator !== undefined && md.operator !== "IN" && md.operator !== "NOT_IN") errors.push(`${where}: metricDimension.operator must be IN or NOT_IN`);
	if (!defs?.dimension(md.dimensionName)) errors.push(`${where}: dimension ${md.dimensionName} does not exist`);
	if (typeof b.metric === "string" && !DIMENSION_METRICS.has(b.metric)) errors.push(`${where}: metric ${b.metric} does not support dimensions (only ${[...DIMENSION_METRICS].join(", ")})`);
}

function checkCount(n: unknown, lo: number, hi: number, field: string, where: string, errors: Errors): void {
	if (n !== undefined && (!Number.isInteger(n) || (n as number) < lo || (n as number) > hi)) {
		errors.push(`${where}: ${field} must be an integer between ${lo} and ${hi}`);
	}
}

function checkOperatorValue(c: BehaviorCriteria, info: MetricInfo, metric: string, where: string, errors: Errors): void {
	const opName = c.comparisonOperator;
	if (opName === undefined) return void errors.push(`${where}: comparisonOperator is required`);
	if (!operatorsFor(info.shape).includes(opName)) {
		return void errors.push(`${where}: comparison operator ${opName} is not supported for metric ${metric}`);
	}
	if (c.statisticalThreshold) return;
	if (!isObject(c.value)) return void errors.push(`${where}: value is required for a static behavior`);
	if (shapeOfValue(c.value) === undefined) return void errors.push(`${where}: value must have exactly one of ${VALUE_KEYS.join(", ")}`);
	const table = info.shape === "strings" ? STRING_SET_OPERATORS : OPERATORS;
	const op = table.get(opName)!;
	if (!op.fields.some((f) => c.value![f] !== undefined)) {
		return void errors.push(`${where}: metric ${metric} with ${opName} needs value.${info.shape === "number" ? "number" : op.fields[0]}`);
	}
	for (const e of op.validate(c.value)) errors.push(`${where}: ${e}`);
}

function checkStatistical(c: BehaviorCriteria, info: MetricInfo, where: string, errors: Errors): void {
	const stat = c.statisticalThreshold;
	if (!stat) return;
	if (c.value !== undefined) errors.push(`${where}: use either value or statisticalThreshold, not both`);
	if (!STATISTICS.includes(stat.statistic ?? "")) errors.push(`${where}: statisticalThreshold.statistic must be one of ${STATISTICS.join(", ")}`);
	if (info.shape !== "count" && info.shape !== "number") errors.push(`${where}: statisticalThreshold needs a numeric metric`);
	if (c.durationSeconds === undefined) errors.push(`${where}: statisticalThreshold needs durationSeconds`);
}

function checkDuration(c: BehaviorCriteria, info: MetricInfo, metric: string, where: string, errors: Errors): void {
	const d = c.durationSeconds;
	if (d === undefined) {
		if (info.duration === "required" && !c.mlDetectionConfig) errors.push(`${where}: durationSeconds is required for metric ${metric}`);
		return;
	}
	if (info.duration === "forbidden") return void errors.push(`${where}: durationSeconds cannot be used with list-based metric ${metric}`);
	if (!DURATIONS.includes(d)) errors.push(`${where}: durationSeconds must be one of ${DURATIONS.join(", ")}`);
}

function checkMl(c: BehaviorCriteria, info: MetricInfo, metric: string, where: string, errors: Errors): void {
	const ml = c.mlDetectionConfig;
	if (!CONFIDENCE.includes(ml?.confidenceLevel ?? "")) errors.push(`${where}: mlDetectionConfig.confidenceLevel must be LOW, MEDIUM or HIGH`);
	if (!info.ml) errors.push(`${where}: ML Detect does not support metric ${metric} (${ML_METRICS_HINT})`);
	if (c.comparisonOperator !== undefined || c.value !== undefined || c.statisticalThreshold !== undefined) {
		errors.push(`${where}: an ML behavior takes no comparisonOperator, value or statisticalThreshold`);
	}
}

function checkCriteria(b: Behavior, info: MetricInfo, where: string, errors: Errors): void {
	const c = b.criteria;
	if (!isObject(c)) return void errors.push(`${where}: criteria is required`);
	unknownKeys(c, CRITERIA_KEYS, where, errors);
	checkCount(c.consecutiveDatapointsToAlarm, 1, 10, "consecutiveDatapointsToAlarm", where, errors);
	checkCount(c.consecutiveDatapointsToClear, 1, 10, "consecutiveDatapointsToClear", where, errors);
	checkDuration(c, info, b.metric!, where, errors);
	if (c.mlDetectionConfig) return checkMl(c, info, b.metric!, where, errors);
	checkOperatorValue(c, info, b.metric!, where, errors);
	checkStatistical(c, info, where, errors);
}

function checkBehavior(b: unknown, index: number, names: Set<string>, errors: Errors, defs: DetectDefinitions | undefined): void {
	if (!isObject(b)) return void errors.push(`behaviors[${index}] must be an object`);
	const behavior = b as unknown as Behavior;
	const where = `Behavior ${typeof behavior.name === "string" ? behavior.name : `#${index}`}`;
	unknownKeys(b, BEHAVIOR_KEYS, where, errors);
	if (typeof behavior.name !== "string" || !NAME.test(behavior.name)) errors.push(`${where}: name must match [a-zA-Z0-9:_-]{1,128}`);
	else if (names.has(behavior.name)) errors.push(`${where}: duplicate behavior name`);
	names.add(behavior.name);
	checkDimension(behavior, where, errors, defs);
	const info = metricInfo(behavior, errors, where, defs);
	if (info) checkCriteria(behavior, info, where, errors);
}

function valueElements(behaviors: Behavior[]): number {
	let n = 0;
	for (const b of behaviors) {
		const v = b.criteria?.value;
		n += v ? (v.cidrs?.length ?? 0) + (v.ports?.length ?? 0) + (v.numbers?.length ?? 0) + (v.strings?.length ?? 0) + (v.count !== undefined ? 1 : 0) : 0;
	}
	return n;
}

/** ValidateSecurityProfileBehaviors over just the behaviors list. */
export function validateBehaviors(behaviors: unknown, defs?: DetectDefinitions): ValidationError[] {
	const errors: Errors = [];
	if (!Array.isArray(behaviors)) return [{ errorMessage: "behaviors must be a list" }];
	if (behaviors.length > MAX_BEHAVIORS) errors.push(`a security profile has at most ${MAX_BEHAVIORS} behaviors, got ${behaviors.length}`);
	const names = new Set<string>();
	behaviors.forEach((b, i) => checkBehavior(b, i, names, errors, defs));
	if (errors.length === 0 && valueElements(behaviors) > MAX_VALUE_ELEMENTS) errors.push(`a security profile has at most ${MAX_VALUE_ELEMENTS} value elements`);
	return errors.map((errorMessage) => ({ errorMessage }));
}

function checkAlertTargets(targets: unknown, errors: Errors): void {
	if (targets === undefined) return;
	if (!isObject(targets)) return void errors.push("alertTargets must be a map");
	for (const [type, t] of Object.entries(targets)) {
		if (type !== "SNS") errors.push(`alertTargets: unknown alert target type ${type} (only SNS)`);
		if (!isObject(t) || typeof t.alertTargetArn !== "string" || typeof t.roleArn !== "string") {
			errors.push(`alertTargets.${type}: alertTargetArn and roleArn are required`);
		}
	}
}

function checkExtras(p: Record<string, unknown>, errors: Errors): void {
	const d = p.securityProfileDescription;
	if (d !== undefined && (typeof d !== "string" || d.length > 1000)) errors.push("securityProfileDescription must be a string of at most 1000 characters");
	checkAlertTargets(p.alertTargets, errors);
	const retain = p.additionalMetricsToRetainV2;
	if (retain !== undefined && (!Array.isArray(retain) || retain.some((m) => !isObject(m) || typeof m.metric !== "string"))) {
		errors.push("additionalMetricsToRetainV2: each entry needs a metric");
	}
	const exp = p.metricsExportConfig;
	if (exp !== undefined && (!isObject(exp) || !/^.{1,512}$/.test(String(exp.mqttTopic)) || !/^.{20,2048}$/.test(String(exp.roleArn)))) {
		errors.push("metricsExportConfig needs mqttTopic (1-512 characters) and roleArn (20-2048 characters)");
	}
}

/** Every reason `json` is not a security profile AWS would create; empty when valid. */
export function validateSecurityProfile(json: unknown, defs?: DetectDefinitions): ValidationError[] {
	if (!isObject(json)) return [{ errorMessage: "a security profile must be a JSON object" }];
	const errors: Errors = [];
	unknownKeys(json, PROFILE_KEYS, "security profile", errors);
	const name = json.securityProfileName;
	if (typeof name !== "string" || !NAME.test(name)) errors.push("securityProfileName must match [a-zA-Z0-9:_-]{1,128}");
	checkExtras(json, errors);
	const out = errors.map((errorMessage) => ({ errorMessage }));
	return json.behaviors === undefined ? out : out.concat(validateBehaviors(json.behaviors, defs));
}

