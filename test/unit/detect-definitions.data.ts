/*
 * detect-definitions.data — Detect rule tests as data for dimensions and the custom metric registry:
 * (1) a TOPIC_FILTER dimension, one behavior scoped by it, the messages of each 300 s window and the
 * expected state/event when the window closes; (2) registered custom metrics, one behavior, report
 * datapoints and the expected state/event plus the metrics left unevaluated.
 */
import type { CustomMetricType } from "../../cloud/detect/custom-metrics";
import type { MetricValue } from "../../cloud/detect/metric-value";
import type { Behavior } from "../../cloud/detect/profile";

export type Expect = "ok" | "pending" | "alarm";
export type Direction = "sent" | "received" | "refused";

export interface DimensionCase {
	name: string;
	/** the dimension "topics" (TOPIC_FILTER) */
	filters: string[];
	behavior: Behavior;
	/** per window: the device's messages (topic, direction, bytes) and the expected state at its close */
	windows: { messages: [string, Direction, number?][]; state: Expect; event?: "in-alarm" | "alarm-cleared"; perMessageEvents?: number }[];
}

const scoped = (metric: string, operator: "IN" | "NOT_IN" | undefined, count: number, extra: Partial<Behavior["criteria"]> = {}): Behavior => ({
	name: "scoped",
	metric,
	metricDimension: operator ? { dimensionName: "topics", operator } : { dimensionName: "topics" },
	criteria: { comparisonOperator: "less-than-equals", value: { count }, durationSeconds: 300, ...extra },
});

export const DIMENSION_CASES: DimensionCase[] = [
	{
		name: "IN (default): only messages sent on matching topics count",
		filters: ["telemetry/+/temp", "alerts/#"],
		behavior: scoped("aws:num-messages-sent", undefined, 2),
		windows: [
			{ messages: [["telemetry/a/temp", "sent"], ["chat/x", "sent"], ["chat/y", "sent"], ["chat/z", "sent"]], state: "ok" },
			{ messages: [["telemetry/a/temp", "sent"], ["alerts", "sent"], ["alerts/fire/now", "sent"]], state: "alarm", event: "in-alarm" },
			{ messages: [["other", "sent"], ["other", "sent"], ["other", "sent"]], state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "NOT_IN: only messages outside the filters count",
		filters: ["telemetry/#"],
		behavior: scoped("aws:num-messages-sent", "NOT_IN", 1),
		windows: [
			{ messages: [["telemetry/a", "sent"], ["telemetry/b", "sent"], ["telemetry/c", "sent"], ["side/channel", "sent"]], state: "ok" },
			{ messages: [["side/channel", "sent"], ["exfil/1", "sent"]], state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "${iot:ClientId} in a filter is the thing's own name",
		filters: ["devices/${iot:ClientId}/#"],
		behavior: scoped("aws:num-messages-received", "IN", 1),
		windows: [
			{ messages: [["devices/other/cmd", "received"], ["devices/other/cmd", "received"], ["devices/dev/cmd", "received"]], state: "ok" },
			{ messages: [["devices/dev/cmd", "received"], ["devices/dev/cfg", "received"]], state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "authorization failures scoped to the topic refused",
		filters: ["admin/#"],
		behavior: scoped("aws:num-authorization-failures", "IN", 0),
		windows: [
			{ messages: [["other/topic", "refused"], ["other/topic", "refused"]], state: "ok" },
			{ messages: [["admin/reboot", "refused"]], state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "per-message byte size: only messages on the dimension's topics are datapoints",
		filters: ["telemetry/#"],
		behavior: { name: "scoped", metric: "aws:message-byte-size", metricDimension: { dimensionName: "topics" }, criteria: { comparisonOperator: "less-than", value: { count: 100 } } },
		windows: [{ messages: [["bulk/upload", "sent", 5000], ["telemetry/t", "sent", 10], ["telemetry/t", "sent", 500]], state: "alarm", perMessageEvents: 1 }],
	},
	{
		name: "a $-topic is not matched by a leading wildcard (MQTT), so NOT_IN counts it",
		filters: ["#"],
		behavior: scoped("aws:num-messages-sent", "NOT_IN", 0),
		windows: [
			{ messages: [["a/b", "sent"], ["c", "sent"]], state: "ok" },
			{ messages: [["$aws/things/dev/shadow/update", "sent"]], state: "alarm", event: "in-alarm" },
		],
	},
];

export interface CustomCase {
	name: string;
	registered: Record<string, CustomMetricType>;
	behavior: Behavior;
	steps: { report: Record<string, MetricValue>; state: Expect; event?: "in-alarm" | "alarm-cleared"; ignored?: string[] }[];
}

export const CUSTOM_CASES: CustomCase[] = [
	{
		name: "a number metric reported as a string list is not evaluated",
		registered: { temperature: "number" },
		behavior: { name: "temp", metric: "temperature", criteria: { comparisonOperator: "less-than", value: { number: 80 } } },
		steps: [
			{ report: { temperature: { number: 20 } }, state: "ok" },
			{ report: { temperature: { strings: ["hot"] } }, state: "ok", ignored: ["temperature"] },
			{ report: { temperature: { number: 95 } }, state: "alarm", event: "in-alarm" },
			{ report: { temperature: { numbers: [1, 2] } }, state: "alarm", ignored: ["temperature"] },
			{ report: { temperature: { number: 10 } }, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "a string-list metric reported as a number is not evaluated",
		registered: { procs: "string-list" },
		behavior: { name: "procs", metric: "procs", criteria: { comparisonOperator: "not-in-set", value: { strings: ["nc"] } } },
		steps: [
			{ report: { procs: { number: 3 } }, state: "ok", ignored: ["procs"] },
			{ report: { procs: { strings: ["init", "nc"] } }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "an ip-address-list metric reported as numbers is not evaluated; cidrs are",
		registered: { peers: "ip-address-list" },
		behavior: { name: "peers", metric: "peers", criteria: { comparisonOperator: "in-cidr-set", value: { cidrs: ["10.0.0.0/8"] } } },
		steps: [
			{ report: { peers: { numbers: [1] } }, state: "ok", ignored: ["peers"] },
			{ report: { peers: { cidrs: ["8.8.8.8"] } }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "an unregistered custom metric beside a registered one: only the registered one is evaluated",
		registered: { modes: "number-list" },
		behavior: { name: "modes", metric: "modes", criteria: { comparisonOperator: "in-set", value: { numbers: [1, 2] } } },
		steps: [
			{ report: { modes: { numbers: [1] }, rogue_metric: { number: 1 } }, state: "ok", ignored: ["rogue_metric"] },
			{ report: { modes: { numbers: [7] }, "aws:all-bytes-out": { count: 5 } }, state: "alarm", event: "in-alarm" },
		],
	},
];
