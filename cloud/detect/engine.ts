/*
 * engine — Detect's evaluation: device-side behaviors on each accepted report, per-message and
 * per-connection cloud behaviors on the broker event, windowed cloud counters and statistical thresholds
 * when a durationSeconds window closes, and invalidation of alarms of things silent for too long.
 * Pure with respect to time: every entry point takes `now` (epoch ms) from the caller's clock.
 */
import { randomUUID } from "node:crypto";
import { METRICS, isCustomMetric, type MetricInfo } from "./catalogue";
import type { MetricValue } from "./metric-value";
import { OPERATORS, STRING_SET_OPERATORS, type Operator } from "./operators";
import { percentileOf } from "./percentile";
import { toAlarm, toClear, type Behavior } from "./profile";
import type { BoundBehavior, Registry } from "./registry";
import { initialState, step, type BehaviorState } from "./state";
import { Windows, type ClosedWindow } from "./windows";

/** The cloud-side counters kept as history (one datapoint per closed 300 s window) for ListMetricValues. */
const COUNTED_CLOUD_METRICS = new Set([
	"aws:num-messages-sent",
	"aws:num-messages-received",
	"aws:num-authorization-failures",
	"aws:num-connection-attempts",
	"aws:num-disconnects",
]);
const DATAPOINT_SECONDS = 300;

/** One cloud-side datapoint: a thing's count of `metric` in the window that ended at `time`. */
export interface CloudDatapoint {
	thing: string;
	metric: string;
	time: number;
	value: MetricValue;
}

export type ViolationEventType = "in-alarm" | "alarm-cleared" | "alarm-invalidated";

export interface ViolationEvent {
	violationId: string;
	thingName: string;
	securityProfileName: string;
	behavior: Behavior;
	metricValue?: MetricValue;
	violationEventType: ViolationEventType;
	/** epoch ms */
	violationEventTime: number;
}

export interface StateRecord {
	profile: string;
	behavior: string;
	thing: string;
	state: BehaviorState;
}

export interface EngineOptions {
	invalidateAfterSeconds: number;
	now: number;
	newViolationId?: () => string;
}

const operators = new WeakMap<Behavior, Operator>();

function operatorOf(b: Behavior): Operator {
	let op = operators.get(b);
	if (!op) {
		const table = b.criteria?.value?.strings ? STRING_SET_OPERATORS : OPERATORS;
		op = table.get(b.criteria!.comparisonOperator!)!;
		operators.set(b, op);
	}
	return op;
}

function infoOf(metric: string): MetricInfo | undefined {
	return METRICS.get(metric);
}

function perMessage(b: Behavior): boolean {
	return b.metric === "aws:message-byte-size" && b.criteria?.durationSeconds === undefined;
}

function windowed(b: Behavior): boolean {
	return infoOf(b.metric!)?.side === "cloud" && b.criteria?.durationSeconds !== undefined;
}

export class DetectEngine {
	readonly #registry: Registry;
	readonly #windows: Windows;
	readonly #datapoints: CloudDatapoint[] = [];
	readonly #states = new Map<string, StateRecord>();
	readonly #dirty = new Set<string>();
	readonly #lastSeen = new Map<string, number>();
	readonly #seenDirty = new Set<string>();
	readonly #invalidateMs: number;
	readonly #newId: () => string;

	constructor(registry: Registry, options: EngineOptions) {
		this.#registry = registry;
		this.#windows = new Windows(options.now);
		this.#invalidateMs = options.invalidateAfterSeconds * 1000;
		this.#newId = options.newViolationId ?? randomUUID;
	}

	restore(states: StateRecord[], lastSeen: [string, number][]): void {
		for (const r of states) this.#states.set(key(r.profile, r.behavior, r.thing), r);
		for (const [thing, t] of lastSeen) this.#lastSeen.set(thing, t);
	}

	seen(thing: string, now: number): void {
		this.#lastSeen.set(thing, now);
		this.#seenDirty.add(thing);
	}

	/** Device-side behaviors on one accepted report. */
	report(thing: string, values: Map<string, MetricValue>, now: number): ViolationEvent[] {
		this.seen(thing, now);
		const events: ViolationEvent[] = [];
		const windowed = this.#registry.statisticalMetrics();
		for (const [metric, value] of values) if (windowed.has(metric)) this.#accumulateDevice(thing, metric, value);
		for (const bound of this.#registry.behaviorsFor(thing)) {
			if (!bound.static) continue;
			const value = values.get(bound.behavior.metric!);
			if (value !== undefined) this.#evaluate(bound, thing, value, now, events);
		}
		return events;
	}

	/** One cloud-side counted event (message sent/received, authorization failure, connect, disconnect). */
	count(thing: string, metric: string, now: number): void {
		this.seen(thing, now);
		this.#windows.add(thing, metric, 1, "sum");
	}

	/** One message the device sent, of `bytes` bytes: per-message behaviors now, windowed ones later. */
	message(thing: string, bytes: number, now: number): ViolationEvent[] {
		this.count(thing, "aws:num-messages-sent", now);
		this.#windows.add(thing, "aws:message-byte-size", bytes, "sum");
		return this.#evaluateWhere(thing, (b) => perMessage(b.behavior), { count: bytes }, now);
	}

	/** A connection from `ip`: aws:source-ip-address behaviors. */
	sourceIp(thing: string, ip: string, now: number): ViolationEvent[] {
		return this.#evaluateWhere(thing, (b) => b.behavior.metric === "aws:source-ip-address", { cidrs: [ip] }, now);
	}

	/** Closes windows that ended by `now`, evaluates windowed behaviors, invalidates silent things. */
	tick(now: number, connected: Iterable<string>): ViolationEvent[] {
		const events: ViolationEvent[] = [];
		for (const w of this.#windows.close(now)) {
			if (w.durationSeconds === DATAPOINT_SECONDS) this.#recordCloud(w);
			const things = new Set([...w.values.keys(), ...connected]);
			this.#closeStatic(w, things, now, events);
			this.#closeStatistical(w, things, now, events);
		}
		this.#invalidate(now, events);
		return events;
	}

	/** The cloud-side datapoints of the windows closed since the last call, for the metric history. */
	takeCloudDatapoints(): CloudDatapoint[] {
		return this.#datapoints.splice(0);
	}

	#recordCloud(w: ClosedWindow): void {
		for (const [thing, metrics] of w.values) {
			for (const [metric, n] of metrics) if (COUNTED_CLOUD_METRICS.has(metric)) this.#datapoints.push({ thing, metric, time: w.end, value: { count: n } });
		}
	}

	/** Drops the states `stale` picks (behaviors deleted or no longer targeting the thing), without events. */
	forget(stale: (r: StateRecord) => boolean): void {
		for (const [k, r] of this.#states) {
			if (!stale(r)) continue;
			this.#states.delete(k);
			this.#dirty.add(k);
		}
	}

	/** Drops the in-memory state of the things `which` picks (handed to another process), without events or writes. */
	release(which: (thing: string) => boolean): void {
		for (const [k, r] of this.#states) if (which(r.thing)) (this.#states.delete(k), this.#dirty.delete(k));
		for (const thing of this.#lastSeen.keys()) if (which(thing)) (this.#lastSeen.delete(thing), this.#seenDirty.delete(thing));
	}

	/** Last-seen times changed since the last call, for write-behind persistence. */
	takeSeen(): [string, number][] {
		const out: [string, number][] = [];
		for (const thing of this.#seenDirty) out.push([thing, this.#lastSeen.get(thing) ?? 0]);
		this.#seenDirty.clear();
		return out;
	}

	activeStates(): StateRecord[] {
		return [...this.#states.values()];
	}

	/** State records changed since the last call (undefined state = deleted), for write-behind persistence. */
	takeDirty(): [string, StateRecord | undefined][] {
		const out: [string, StateRecord | undefined][] = [...this.#dirty].map((k) => [k, this.#states.get(k)]);
		this.#dirty.clear();
		return out;
	}

	#accumulateDevice(thing: string, metric: string, value: MetricValue): void {
		const n = value.count ?? value.number;
		if (n === undefined) return;
		const info = infoOf(metric);
		this.#windows.add(thing, metric, n, info && !isCustomMetric(metric) ? info.aggregate : "last");
	}

	#evaluateWhere(thing: string, pick: (b: BoundBehavior) => boolean, value: MetricValue, now: number): ViolationEvent[] {
		const events: ViolationEvent[] = [];
		for (const bound of this.#registry.behaviorsFor(thing)) if (bound.static && pick(bound)) this.#evaluate(bound, thing, value, now, events);
		return events;
	}

	#closeStatic(w: ClosedWindow, things: Set<string>, now: number, events: ViolationEvent[]): void {
		for (const thing of things) {
			for (const bound of this.#registry.behaviorsFor(thing)) {
				const b = bound.behavior;
				if (!bound.static || !windowed(b) || b.criteria!.durationSeconds !== w.durationSeconds) continue;
				this.#evaluate(bound, thing, { count: w.values.get(thing)?.get(b.metric!) ?? 0 }, now, events);
			}
		}
	}

	#closeStatistical(w: ClosedWindow, things: Set<string>, now: number, events: ViolationEvent[]): void {
		for (const bound of this.#registry.statisticalBehaviors()) {
			const b = bound.behavior;
			if (b.criteria!.durationSeconds !== w.durationSeconds) continue;
			const cloud = infoOf(b.metric!)?.side === "cloud";
			const fleet = this.#registry.targetedAmong(bound.profile.securityProfileName, things);
			const sample = fleet
				.map((t) => [t, w.values.get(t)?.get(b.metric!) ?? (cloud ? 0 : undefined)] as const)
				.filter((e): e is readonly [string, number] => e[1] !== undefined);
			const threshold = percentileOf(b.criteria!.statisticalThreshold!.statistic!, sample.map((e) => e[1]));
			if (threshold === undefined) continue;
			const op = OPERATORS.get(b.criteria!.comparisonOperator!)!;
			for (const [thing, v] of sample) {
				const value = { count: v };
				this.#record(bound, thing, value, !op.compare(value, { count: threshold }), now, events);
			}
		}
	}

	#evaluate(bound: BoundBehavior, thing: string, value: MetricValue, now: number, events: ViolationEvent[]): void {
		const violated = !operatorOf(bound.behavior).compare(value, bound.behavior.criteria!.value!);
		this.#record(bound, thing, value, violated, now, events);
	}

	#record(bound: BoundBehavior, thing: string, value: MetricValue, violated: boolean, now: number, events: ViolationEvent[]): void {
		const profile = bound.profile.securityProfileName;
		const k = bound.key + thing;
		const prev = this.#states.get(k)?.state ?? initialState();
		const { state, transition } = step(prev, violated, toAlarm(bound.behavior), toClear(bound.behavior));
		if (transition === "in-alarm") Object.assign(state, { violationId: this.#newId(), violationStartTime: now });
		if (state.inAlarm && violated) Object.assign(state, { lastViolationValue: value, lastViolationTime: now });
		this.#put(k, { profile, behavior: bound.behavior.name, thing, state });
		if (!transition) return;
		const violationId = transition === "in-alarm" ? state.violationId! : prev.violationId!;
		events.push({ violationId, thingName: thing, securityProfileName: profile, behavior: bound.behavior, metricValue: value, violationEventType: transition, violationEventTime: now });
	}

	#invalidate(now: number, events: ViolationEvent[]): void {
		for (const [k, r] of this.#states) {
			if (!r.state.inAlarm || now - (this.#lastSeen.get(r.thing) ?? now) <= this.#invalidateMs) continue;
			const behavior = this.#registry.describeSecurityProfile(r.profile)?.behaviors?.find((b) => b.name === r.behavior) ?? { name: r.behavior };
			events.push({
				violationId: r.state.violationId!,
				thingName: r.thing,
				securityProfileName: r.profile,
				behavior,
				metricValue: r.state.lastViolationValue,
				violationEventType: "alarm-invalidated",
				violationEventTime: now,
			});
			this.#states.delete(k);
			this.#dirty.add(k);
		}
	}

	#put(k: string, r: StateRecord): void {
		this.#states.set(k, r);
		this.#dirty.add(k);
	}
}

function key(profile: string, behavior: string, thing: string): string {
	return `${profile}\u0000${behavior}\u0000${thing}`;
}
