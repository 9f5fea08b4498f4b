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
	time: number | null;
	reportId: number | null;
	errorCode: string | null;
	errorMessage: string | null;
}

/** one item of GET /fleet */
export interface ThingRow {
	thingName: string;
	registered: boolean;
	connected: boolean;
	lastConnectTime: number | null;
	lastDisconnectTime: number | null;
	sourceIp: string | null;
	lastSeenTime: number | null;
	lastReportTime: number | null;
	lastReportFormat: string | null;
	lastReply: LastReply | null;
	reportsAccepted: number;
	reportsRejected: number;
	groups: string[];
	activeViolations: number;
}

export interface ActiveViolation {
	violationId: string;
	thingName: string;
	securityProfileName: string;
	behavior: Behavior;
	lastViolationValue?: MetricValue | null;
	lastViolationTime?: number | null;
	violationStartTime: number;
	verificationState: string | null;
	verificationStateDescription: string | null;
}

export interface ViolationEvent {
	violationId: string;
	thingName: string;
	securityProfileName: string;
	behavior: Behavior;
	metricValue?: MetricValue | null;
	violationEventType: string;
	violationEventTime: number;
	verificationState?: string | null;
	clearedBy?: string;
}

/** one item of GET /profiles */
export interface ProfileSummary {
	securityProfileName: string;
	securityProfileDescription?: string | null;
	behaviors: number;
	targets: string[];
	version: number;
	lastModifiedDate: number | null;
}

export interface ReportEntry {
	time: number;
	format: string;
	size: number;
	reportId: number | null;
	status: "ACCEPTED" | "REJECTED";
	errorCode: string | null;
	errorMessage: string | null;
	metrics?: Record<string, MetricValue>;
	payload: { encoding: string; data: string; truncated: boolean };
}

/** GET /things/{name} */
export interface ThingDetail {
	thingName: string;
	registered: boolean;
	connection: { connected: boolean; lastConnectTime: number | null; lastDisconnectTime: number | null; sourceIp: string | null };
	lastSeenTime: number | null;
	groups: string[];
	certificates: { certificateId: string; status: string; created: number | null; modified: number | null }[];
	certificateNote: string | null;
	reports: ReportEntry[];
	metrics: { name: string; side: "device" | "cloud" }[];
	behaviors: { securityProfileName: string; behavior: Behavior }[];
	activeViolations: ActiveViolation[];
}

export interface Threshold {
	securityProfileName: string;
	behaviorName: string;
	comparisonOperator: string | null;
	value: MetricValue | null;
	durationSeconds: number | null;
	statistic: string | null;
}

export interface ViolationPeriod {
	violationId: string;
	securityProfileName: string;
	behaviorName: string;
	start: number;
	end: number | null;
	endType: string | null;
}

/** GET /things/{name}/metrics/{metric} */
export interface MetricSeries {
	thingName: string;
	metric: string;
	side: string;
	start: number;
	end: number;
	datapoints: { time: number; value: MetricValue }[];
	truncated: boolean;
	thresholds: Threshold[];
	violations: ViolationPeriod[];
}
