/*
 * thing-metrics — running totals of the cloud-side metrics per thing since the cloud started, plus the last
 * accepted report's values: what Cloud.metrics(thing) returns (for the walkthrough and tests).
 */
import type { MetricValue } from "./detect/metric-value";

export interface ThingMetrics {
	"aws:num-messages-sent": number;
	"aws:num-messages-received": number;
	"aws:num-authorization-failures": number;
	"aws:num-connection-attempts": number;
	"aws:num-disconnects": number;
	"aws:message-byte-size"?: number;
	"aws:source-ip-address"?: string;
	connected: boolean;
	reportsAccepted: number;
	reportsRejected: number;
	lastReport?: Record<string, MetricValue>;
	/** report custom metrics not evaluated (unknown name or wrong type; docs/cloud.md "Custom metrics registry") */
	customMetricsIgnored?: number;
	lastIgnoredCustomMetric?: { name: string; reason: string };
}

export type CountedMetric =
	| "aws:num-messages-sent"
	| "aws:num-messages-received"
	| "aws:num-authorization-failures"
	| "aws:num-connection-attempts"
	| "aws:num-disconnects";

export function emptyMetrics(): ThingMetrics {
	return {
		"aws:num-messages-sent": 0,
		"aws:num-messages-received": 0,
		"aws:num-authorization-failures": 0,
		"aws:num-connection-attempts": 0,
		"aws:num-disconnects": 0,
		connected: false,
		reportsAccepted: 0,
		reportsRejected: 0,
	};
}
