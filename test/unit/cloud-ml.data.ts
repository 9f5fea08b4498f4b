/*
 * cloud-ml.data — ML Detect behaviors as data (like cloud-rules.data): one ML behavior, the fleet history the
 * model trains on (`things` devices × `hours` of 5-minute datapoints around `base`, ±10 % in a fixed pattern),
 * the training rules, where the clock is when evaluation starts, the expected model status there, and the
 * datapoints of one thing with the expected state and event after each. Cloud-side metrics are counted
 * broker events per 300 s window; device-side ones are report values.
 */
import type { ModelStatus } from "../../cloud/detect/ml/models";
import type { MlOptions } from "../../cloud/detect/ml/options";
import type { Behavior } from "../../cloud/detect/profile";

export type Expect = "ok" | "pending" | "alarm";

export interface MlCase {
	name: string;
	behavior: Behavior;
	settings: MlOptions;
	history: { things: number; hours: number; base: number };
	/** hours after collection started when the datapoints below are evaluated */
	evaluateAt: number;
	status: ModelStatus;
	/** the thing the datapoints come from (default dev-0, which has history) */
	thing?: string;
	steps: { value: number; state: Expect; event?: "in-alarm" | "alarm-cleared" }[];
}

const ml = (metric: string, confidenceLevel: "LOW" | "MEDIUM" | "HIGH", toAlarm?: number): Behavior => ({
	name: "ml",
	metric,
	criteria: { mlDetectionConfig: { confidenceLevel }, ...(toAlarm ? { consecutiveDatapointsToAlarm: toAlarm } : {}) },
});

const quick: MlOptions = { trainingDays: 1, minDatapoints: 2000 };
const fleet = { things: 10, hours: 26, base: 10_000 };

export const ML_CASES: MlCase[] = [
	{
		name: "model pending (collection shorter than trainingDays): no datapoint, no alarm even at 100×",
		behavior: ml("aws:all-bytes-out", "LOW"),
		settings: quick,
		history: { ...fleet, hours: 12 },
		evaluateAt: 12,
		status: "PENDING_BUILD",
		steps: [
			{ value: 1_000_000, state: "ok" },
			{ value: 10_000, state: "ok" },
		],
	},
	{
		name: "model pending (enough days, too few datapoints): no alarm",
		behavior: ml("aws:all-bytes-out", "LOW"),
		settings: { trainingDays: 1, minDatapoints: 100_000 },
		history: fleet,
		evaluateAt: 26,
		status: "PENDING_BUILD",
		steps: [{ value: 1_000_000, state: "ok" }],
	},
	{
		name: "model trained: a 10× spike alarms at HIGH at once, a normal datapoint clears",
		behavior: ml("aws:all-bytes-out", "HIGH"),
		settings: quick,
		history: fleet,
		evaluateAt: 26,
		status: "ACTIVE",
		steps: [
			{ value: 10_500, state: "ok" },
			{ value: 100_000, state: "alarm", event: "in-alarm" },
			{ value: 150_000, state: "alarm" },
			{ value: 9_800, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "LOW alarms on a single 2.5× datapoint",
		behavior: ml("aws:all-bytes-out", "LOW"),
		settings: quick,
		history: fleet,
		evaluateAt: 26,
		status: "ACTIVE",
		steps: [
			{ value: 25_000, state: "alarm", event: "in-alarm" },
			{ value: 10_000, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "MEDIUM ignores one 2.5× datapoint but alarms when it lasts three datapoints",
		behavior: ml("aws:all-bytes-out", "MEDIUM"),
		settings: quick,
		history: fleet,
		evaluateAt: 26,
		status: "ACTIVE",
		steps: [
			{ value: 25_000, state: "ok" },
			{ value: 10_000, state: "ok" },
			{ value: 25_000, state: "ok" },
			{ value: 25_000, state: "ok" },
			{ value: 25_000, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "HIGH ignores a lasting 2.5×",
		behavior: ml("aws:all-bytes-out", "HIGH"),
		settings: quick,
		history: fleet,
		evaluateAt: 26,
		status: "ACTIVE",
		steps: [
			{ value: 25_000, state: "ok" },
			{ value: 25_000, state: "ok" },
			{ value: 25_000, state: "ok" },
			{ value: 25_000, state: "ok" },
		],
	},
	{
		name: "a lower value is never an ML violation (only the upper side alarms)",
		behavior: ml("aws:all-bytes-out", "LOW"),
		settings: quick,
		history: fleet,
		evaluateAt: 26,
		status: "ACTIVE",
		steps: [
			{ value: 0, state: "ok" },
			{ value: 10, state: "ok" },
		],
	},
	{
		name: "consecutiveDatapointsToAlarm 2 applies to ML behaviors",
		behavior: ml("aws:all-bytes-out", "HIGH", 2),
		settings: quick,
		history: fleet,
		evaluateAt: 26,
		status: "ACTIVE",
		steps: [
			{ value: 200_000, state: "pending" },
			{ value: 200_000, state: "alarm", event: "in-alarm" },
			{ value: 10_000, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "a thing without history of its own is judged against the fleet baseline",
		behavior: ml("aws:all-bytes-out", "HIGH"),
		settings: quick,
		history: fleet,
		evaluateAt: 26,
		status: "ACTIVE",
		thing: "newcomer",
		steps: [
			{ value: 11_000, state: "ok" },
			{ value: 500_000, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "cloud-side: authorization failures per 300 s window, 0 normally, 40 alarms at HIGH",
		behavior: ml("aws:num-authorization-failures", "HIGH"),
		settings: quick,
		history: { ...fleet, base: 0 },
		evaluateAt: 26,
		status: "ACTIVE",
		steps: [
			{ value: 0, state: "ok" },
			{ value: 40, state: "alarm", event: "in-alarm" },
			{ value: 0, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "cloud-side model pending: 500 messages in a window do not alarm",
		behavior: ml("aws:num-messages-sent", "LOW"),
		settings: quick,
		history: { ...fleet, base: 10, hours: 6 },
		evaluateAt: 6,
		status: "PENDING_BUILD",
		steps: [{ value: 500, state: "ok" }],
	},
	{
		name: "no data for trainingDays + retryDays: EXPIRED, never alarms",
		behavior: ml("aws:all-bytes-out", "LOW"),
		settings: { trainingDays: 1, minDatapoints: 2000, retryDays: 1 },
		history: { things: 0, hours: 0, base: 0 },
		evaluateAt: 49,
		status: "EXPIRED",
		steps: [{ value: 1_000_000, state: "ok" }],
	},
];
