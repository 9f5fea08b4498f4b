/*
 * violations — ListActiveViolations over Detect's states, and the filter both it and ListViolationEvents
 * take (the event history is queried in SQL: CloudStore.violationEvents). Times are epoch milliseconds (the
 * AWS API prints seconds with a fraction; we keep one unit).
 */
import type { MetricValue } from "./detect/metric-value";
import { criteriaType, type Behavior, type CriteriaType, type SecurityProfile } from "./detect/profile";
import type { StateRecord } from "./detect/engine";

export interface ViolationFilter {
	thingName?: string;
	securityProfileName?: string;
	behaviorCriteriaType?: CriteriaType;
	/** include behaviors with suppressAlerts (default true, as in AWS) */
	listSuppressedAlerts?: boolean;
	/** TRUE_POSITIVE, BENIGN_POSITIVE, FALSE_POSITIVE or UNKNOWN (= never set) */
	verificationState?: string;
	/** ListViolationEvents only, epoch ms, [startTime, endTime) */
	startTime?: number;
	endTime?: number;
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
	/** ML behaviors: their confidence level */
	violationEventAdditionalInfo?: { confidenceLevel: string };
}

function keep(f: ViolationFilter, thing: string, profile: string, behavior: Behavior): boolean {
	if (f.thingName !== undefined && f.thingName !== thing) return false;
	if (f.securityProfileName !== undefined && f.securityProfileName !== profile) return false;
	if (f.behaviorCriteriaType !== undefined && criteriaType(behavior) !== f.behaviorCriteriaType) return false;
	return f.listSuppressedAlerts !== false || behavior.suppressAlerts !== true;
}

function mlInfo(behavior: Behavior): { violationEventAdditionalInfo?: { confidenceLevel: string } } {
	const confidenceLevel = behavior.criteria?.mlDetectionConfig?.confidenceLevel;
	return confidenceLevel ? { violationEventAdditionalInfo: { confidenceLevel } } : {};
}

export function activeViolations(states: StateRecord[], profile: (name: string) => SecurityProfile | undefined, f: ViolationFilter = {}): ActiveViolation[] {
	const out: ActiveViolation[] = [];
	for (const r of states) {
		if (!r.state.inAlarm) continue;
		const behavior = profile(r.profile)?.behaviors?.find((b) => b.name === r.behavior) ?? { name: r.behavior };
		if (!keep(f, r.thing, r.profile, behavior)) continue;
		out.push({
			violationId: r.state.violationId!,
			thingName: r.thing,
			securityProfileName: r.profile,
			behavior,
			lastViolationValue: r.state.lastViolationValue,
			lastViolationTime: r.state.lastViolationTime,
			violationStartTime: r.state.violationStartTime!,
			...mlInfo(behavior),
		});
	}
	return out.sort((a, b) => a.violationStartTime - b.violationStartTime);
}
