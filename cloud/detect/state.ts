/*
 * state — the per (security profile, behavior, thing) alarm state and its pure transition on one
 * datapoint, the Detect counterpart of Prometheus' AlertState: consecutiveDatapointsToAlarm violating
 * datapoints in a row raise `in-alarm`; consecutiveDatapointsToClear conforming datapoints in a row while
 * in alarm give `alarm-cleared`. Anything else only moves the counters.
 */
import type { MetricValue } from "./metric-value";

export interface BehaviorState {
	inAlarm: boolean;
	/** violating datapoints in a row (while not in alarm) */
	violating: number;
	/** conforming datapoints in a row (while in alarm) */
	conforming: number;
	violationId?: string;
	violationStartTime?: number;
	lastViolationValue?: MetricValue;
	lastViolationTime?: number;
}

export type Transition = "in-alarm" | "alarm-cleared" | undefined;

export function initialState(): BehaviorState {
	return { inAlarm: false, violating: 0, conforming: 0 };
}

/** One datapoint: `violated` says the comparison was false. Returns the new state and its transition. */
export function step(state: BehaviorState, violated: boolean, toAlarm: number, toClear: number): { state: BehaviorState; transition: Transition } {
	if (!state.inAlarm) {
		const violating = violated ? state.violating + 1 : 0;
		if (violating >= toAlarm) return { state: { inAlarm: true, violating: 0, conforming: 0 }, transition: "in-alarm" };
		return { state: { ...state, violating, conforming: 0 }, transition: undefined };
	}
	const conforming = violated ? 0 : state.conforming + 1;
	if (conforming >= toClear) return { state: initialState(), transition: "alarm-cleared" };
	return { state: { ...state, conforming }, transition: undefined };
}
