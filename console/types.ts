/*
 * types — the JSON shapes of /console/api/… (docs/console.md) as the views use them.
 */
export interface MetricValue {
	count?: number;
	number?: number;
	cidrs?: string[];
	ports?: number[];
	numbers?: number[];
	strings?: string[];
}

export interface Behavior {
	name: string;
	metric?: string;
	criteria?: { comparisonOperator?: string; value?: MetricValue; durationSeconds?: number; consecutiveDatapointsToAlarm?: number; consecutiveDatapointsToClear?: number };
	suppressAlerts?: boolean;
}

export interface LastReply {
	status: "ACCEPTED" | "REJECTED";
	time?: number;
	reportId?: number;
	errorCode?: string;
	errorMessage?: string;
}

export interface ThingRow {
	thingName: string;
	connected: boolean;
	lastConnected?: number;
	lastReportTime?: number;
	lastReportFormat?: string;
	lastReply?: LastReply;
	groups: string[];
	activeViolations: number;
}

export interface ActiveViolation {
	violationId: string;
	thingName: string;
	securityProfileName: string;
	behavior: Behavior;
	lastViolationValue?: MetricValue;
	lastViolationTime?: number;
	violationStartTime: number;
	verificationState?: string;
	verificationStateDescription?: string;
}

export interface ViolationEvent {
	violationId: string;
	thingName: string;
	securityProfileName: string;
	behavior: Behavior;
	metricValue?: MetricValue;
	violationEventType: string;
	violationEventTime: number;
	verificationState?: string;
}

export interface ProfileSummary {
	securityProfileName: string;
	securityProfileDescription?: string;
	targets: string[];
	behaviors?: Behavior[];
}

export interface MetricPoint {
	timestamp: number;
	value: MetricValue;
}

/** a period a behavior was in alarm, end missing while it still is */
export interface ViolationPeriod {
	behavior: string;
	start: number;
	end?: number;
}
