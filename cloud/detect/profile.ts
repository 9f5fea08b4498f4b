/*
 * profile — the security profile types, exactly the JSON `aws iot create-security-profile` takes
 * (spec §6.2–6.3), plus the criteria kind of a behavior (STATIC, STATISTICAL, MACHINE_LEARNING).
 */
import type { MetricValue } from "./metric-value";

export interface BehaviorCriteria {
	comparisonOperator?: string;
	value?: MetricValue;
	durationSeconds?: number;
	consecutiveDatapointsToAlarm?: number;
	consecutiveDatapointsToClear?: number;
	statisticalThreshold?: { statistic?: string };
	mlDetectionConfig?: { confidenceLevel: "LOW" | "MEDIUM" | "HIGH" };
}

export interface Behavior {
	name: string;
	metric?: string;
	metricDimension?: { dimensionName: string; operator?: "IN" | "NOT_IN" };
	criteria?: BehaviorCriteria;
	suppressAlerts?: boolean;
	exportMetric?: boolean;
}

export interface SecurityProfile {
	securityProfileName: string;
	securityProfileDescription?: string;
	behaviors?: Behavior[];
	alertTargets?: Record<string, { alertTargetArn: string; roleArn: string }>;
	additionalMetricsToRetain?: string[];
	additionalMetricsToRetainV2?: { metric: string; metricDimension?: Behavior["metricDimension"]; exportMetric?: boolean }[];
	tags?: { Key: string; Value: string }[];
	metricsExportConfig?: { mqttTopic: string; roleArn: string };
}

export type CriteriaType = "STATIC" | "STATISTICAL" | "MACHINE_LEARNING";

export function criteriaType(behavior: Behavior): CriteriaType {
	if (behavior.criteria?.mlDetectionConfig) return "MACHINE_LEARNING";
	if (behavior.criteria?.statisticalThreshold) return "STATISTICAL";
	return "STATIC";
}

export function toAlarm(behavior: Behavior): number {
	return behavior.criteria?.consecutiveDatapointsToAlarm ?? 1;
}

export function toClear(behavior: Behavior): number {
	return behavior.criteria?.consecutiveDatapointsToClear ?? 1;
}
