/*
 * engine — Detect's evaluation: device-side behaviors on each accepted report, per-message and
 * per-connection cloud behaviors on the broker event, windowed cloud counters and statistical thresholds
 * when a durationSeconds window closes, and invalidation of alarms of things silent for too long.
 * Pure with respect to time: every entry point takes `now` (epoch ms) from the caller's clock.
 */
import { drain, type Step } from "./steps";
import { randomUUID } from "node:crypto";
import { METRICS, isCustomMetric, type MetricInfo } from "./catalogue";
import { numericOf, type MetricValue } from "./metric-value";
import { OPERATORS, STRING_SET_OPERATORS, type Operator } from "./operators";
import { percentileSteps } from "./percentile";
import { criteriaType, toAlarm, toClear, type Behavior } from "./profile";
import type { BoundBehavior, Registry } from "./registry";
import { initialState, step, type BehaviorState } from "./state";
import { Windows, type ClosedWindow } from "./windows";
import { scopedMetric, TopicView } from "./dimensions";

/** The cloud-side counters kept as history (one datapoint per closed 300 s window) for ListMetricValues. */
const COUNTED_CLOUD_METRICS = new Set([
	"aws:num-messages-sent",
	"aws:num-messages-received",
	"aws:num-authorization-failures",
	"aws:num-connection-attempts",
	"aws:num-disconnects",
	"aws:message-byte-size",
]);
const DATAPOINT_SECONDS = 300;
/** things handled per step of a sliced tick (tickSteps) */
export const TICK_SLICE = 250;

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
	/** PutVerificationStateOnViolation (verification.ts); absent = UNKNOWN */
	verificationState?: string;
	verificationStateDescription?: string;
	/** ML behaviors: the confidence level that raised or cleared the alarm */
	violationEventAdditionalInfo?: { confidenceLevel: string };
}

/** One datapoint a behavior was evaluated on (metrics export listens to these). */
export interface EvaluatedDatapoint {
	bound: BoundBehavior;
	thing: string;
	value: MetricValue;
	/** epoch ms */
	time: number;
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
	/** ML Detect (ml/models.ts): trained on the tick, in steps; undefined verdict = no active model, no datapoint */
	ml?: { maintainSteps(now: number): Generator<Step>; violated(bound: BoundBehavior, thing: string, value: number, time: number): boolean | undefined };
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

/** The window series a behavior reads: its metric, or its dimension-scoped series (dimensions.ts). */
function series(bound: BoundBehavior): string {
	return bound.scope?.key ?? bound.behavior.metric!;
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
	/** how many states each thing with any has (a thing absent here is in the initial state everywhere) */
	readonly #stateful = new Map<string, number>();
	readonly #lastSeen = new Map<string, number>();
	readonly #seenDirty = new Set<string>();
	readonly #invalidateMs: number;
	readonly #newId: () => string;
	readonly #evaluated: ((d: EvaluatedDatapoint) => void)[] = [];
	readonly #scoped = new WeakMap<BoundBehavior[], BoundBehavior[]>();
	readonly #ml: EngineOptions["ml"];

	constructor(registry: Registry, options: EngineOptions) {
		this.#registry = registry;
		this.#windows = new Windows(options.now);
		this.#invalidateMs = options.invalidateAfterSeconds * 1000;
		this.#newId = options.newViolationId ?? randomUUID;
		this.#ml = options.ml;
	}

	restore(states: StateRecord[], lastSeen: [string, number][]): void {
		for (const r of states) this.#setState(key(r.profile, r.behavior, r.thing), r);
		for (const [thing, t] of lastSeen) this.#lastSeen.set(thing, t);
	}

	seen(thing: string, now: number): void {
		this.#lastSeen.set(thing, now);
		this.#seenDirty.add(thing);
	}

	/** Calls `cb` with every datapoint a behavior is evaluated on. */
	onEvaluated(cb: (d: EvaluatedDatapoint) => void): void {
		this.#evaluated.push(cb);
	}

	/** Device-side behaviors on one accepted report. */
	report(thing: string, values: Map<string, MetricValue>, now: number): ViolationEvent[] {
		this.seen(thing, now);
		const events: ViolationEvent[] = [];
		const windowed = this.#registry.statisticalMetrics();
		for (const [metric, value] of values) if (windowed.has(metric)) this.#accumulateDevice(thing, metric, value);
		for (const bound of this.#registry.behaviorsFor(thing)) {
			const value = bound.statistical ? undefined : values.get(bound.behavior.metric!);
			if (value !== undefined && bound.static) this.#evaluate(bound, thing, value, now, events);
			else if (value !== undefined) this.#judgeMl(bound, thing, value, now, now, events);
		}
		return events;
	}

	/** One cloud-side counted event (message sent/received, authorization failure, connect, disconnect), on `topic` when known. */
	count(thing: string, metric: string, now: number, topic?: string): void {
		this.seen(thing, now);
		this.#windows.add(thing, metric, 1, "sum", this.#used);
		const view = this.#scopedView(thing, topic);
		if (view) this.#countScoped(view, metric, 1);
	}

	/** Window lengths worth accumulating: those some behavior uses, and the 300 s one of the metric history. */
	readonly #used = (seconds: number): boolean => seconds === DATAPOINT_SECONDS || this.#registry.windowDurations().has(seconds);

	/** One message the device sent, of `bytes` bytes: per-message behaviors now, windowed ones later. */
	message(thing: string, bytes: number, now: number, topic?: string): ViolationEvent[] {
		this.seen(thing, now);
		this.#windows.add(thing, "aws:num-messages-sent", 1, "sum", this.#used);
		this.#windows.add(thing, "aws:message-byte-size", bytes, "sum", this.#used);
		const view = this.#scopedView(thing, topic);
		if (!view) return this.#evaluateWhere(thing, (b) => perMessage(b.behavior), { count: bytes }, now);
		this.#countScoped(view, "aws:num-messages-sent", 1);
		this.#countScoped(view, "aws:message-byte-size", bytes);
		return this.#evaluateWhere(thing, (b) => perMessage(b.behavior) && (!b.scope || b.scope.counts(view.topic)), { count: bytes }, now);
	}

	/**
	 * The topic of an event with the thing's dimension-scoped behaviors, or undefined when it has none (or the
	 * topic is unknown): the common case, a thing without dimensions, makes nothing per message.
	 */
	#scopedView(thing: string, topic: string | undefined): { thing: string; topic: TopicView; scoped: BoundBehavior[] } | undefined {
		if (topic === undefined) return undefined;
		const scoped = this.#scopedOf(this.#registry.behaviorsFor(thing));
		return scoped.length === 0 ? undefined : { thing, topic: new TopicView(topic, thing), scoped };
	}

	/** Adds to each dimension-scoped series of `metric` the event belongs to (once per series). */
	#countScoped(v: { thing: string; topic: TopicView; scoped: BoundBehavior[] }, metric: string, amount: number): void {
		let done: Set<string> | undefined;
		for (const b of v.scoped) {
			const scope = b.scope;
			if (!scope || b.behavior.metric !== metric || done?.has(scope.key)) continue;
			(done ??= new Set()).add(scope.key);
			if (scope.counts(v.topic)) this.#windows.add(v.thing, scope.key, amount, "sum", this.#used);
		}
	}

	/** The dimension-scoped behaviors of a bound list (the registry's lists are shared and rebuilt on change: cached by identity). */
	#scopedOf(bound: BoundBehavior[]): BoundBehavior[] {
		let scoped = this.#scoped.get(bound);
		if (!scoped) this.#scoped.set(bound, (scoped = bound.filter((b) => b.scope !== undefined)));
		return scoped;
	}

	/** A connection from `ip`: aws:source-ip-address behaviors. */
	sourceIp(thing: string, ip: string, now: number): ViolationEvent[] {
		return this.#evaluateWhere(thing, (b) => b.behavior.metric === "aws:source-ip-address", { cidrs: [ip] }, now);
	}

	/** Closes windows that ended by `now`, evaluates windowed behaviors, invalidates silent things. */
	tick(now: number, connected: Iterable<string>): ViolationEvent[] {
		const events: ViolationEvent[] = [];
		if (this.#ml) drain(this.#ml.maintainSteps(now), "ML model upkeep");
		drain(this.tickSteps(now, connected, events), "the window close");
		return events;
	}

	/**
	 * The same work as tick() in steps of at most TICK_SLICE things each, ML model upkeep aside (the caller
	 * runs MlModels.maintainSteps as a task of its own: on PostgreSQL it waits on the database, and a window
	 * close must not wait for it): the caller runs a few steps per event-loop turn so that a window close over
	 * a million things never holds the loop for long. Events are appended to `events` as they happen.
	 */
	*tickSteps(now: number, connected: Iterable<string>, events: ViolationEvent[]): Generator<void> {
		for (const w of this.#windows.close(now)) {
			if (w.durationSeconds === DATAPOINT_SECONDS) yield* this.#recordCloud(w);
			const things = yield* thingsOf(w, connected);
			if (w.durationSeconds === DATAPOINT_SECONDS) yield* this.#closeMl(w, things, now, events);
			yield* this.#closeStatic(w, things, now, events);
			yield* this.#closeStatistical(w, things, now, events);
		}
		yield* this.#invalidate(now, events);
	}

	/** How many cloud-side datapoints wait for takeCloudDatapoints(). */
	get pendingDatapoints(): number {
		return this.#datapoints.length;
	}

	/** The cloud-side datapoints of the windows closed since the last call, for the metric history. */
	takeCloudDatapoints(): CloudDatapoint[] {
		return this.#datapoints.splice(0);
	}

	*#recordCloud(w: ClosedWindow): Generator<void> {
		let i = 0;
		// scoped series (dimensions.ts) are kept under their scope key, for ListMetricValues with a dimension
		const counted = [...w.values.metrics()].filter((m) => COUNTED_CLOUD_METRICS.has(scopedMetric(m) ?? m));
		for (const thing of w.values.things()) {
			for (const metric of counted) {
				const n = w.values.get(thing, metric);
				if (n !== undefined) this.#datapoints.push({ thing, metric, time: w.end, value: { count: n } });
			}
			if (++i % TICK_SLICE === 0) yield;
		}
	}

	/** Drops the states `stale` picks (behaviors deleted or no longer targeting the thing), without events. */
	forget(stale: (r: StateRecord) => boolean): void {
		for (const [k, r] of this.#states) {
			if (!stale(r)) continue;
			this.#deleteState(k, r.thing);
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
		this.#windows.add(thing, metric, n, info && !isCustomMetric(metric) ? info.aggregate : "last", this.#used);
	}

	#evaluateWhere(thing: string, pick: (b: BoundBehavior) => boolean, value: MetricValue, now: number): ViolationEvent[] {
		const events: ViolationEvent[] = [];
		for (const bound of this.#registry.behaviorsFor(thing)) if (bound.static && pick(bound)) this.#evaluate(bound, thing, value, now, events);
		return events;
	}

	*#closeStatic(w: ClosedWindow, things: string[], now: number, events: ViolationEvent[]): Generator<void> {
		let i = 0;
		for (const thing of things) {
			for (const bound of this.#registry.behaviorsFor(thing)) {
				const b = bound.behavior;
				if (!bound.static || !windowed(b) || b.criteria!.durationSeconds !== w.durationSeconds) continue;
				this.#evaluate(bound, thing, { count: w.values.get(thing, series(bound)) ?? 0 }, now, events);
			}
			if (++i % TICK_SLICE === 0) yield;
		}
	}

	*#closeStatistical(w: ClosedWindow, things: string[], now: number, events: ViolationEvent[]): Generator<void> {
		for (const bound of this.#registry.statisticalBehaviors()) {
			const b = bound.behavior;
			if (b.criteria!.durationSeconds !== w.durationSeconds) continue;
			const cloud = infoOf(b.metric!)?.side === "cloud";
			// sized once for the whole fleet: growing arrays of a million entries step by step copies them
			// again and again, one copy per step, and the last copies hold the event loop for tens of ms
			const fleet = new Uint32Array(things.length);
			const values = new Float64Array(things.length);
			let n = 0;
			for (let i = 0; i < things.length; i++) {
				const t = things[i];
				const v = w.values.get(t, series(bound)) ?? (cloud ? 0 : undefined);
				if (v !== undefined && this.#registry.targets(bound.profile.securityProfileName, t)) {
					fleet[n] = i;
					values[n++] = v;
				}
				if (i % TICK_SLICE === TICK_SLICE - 1) yield;
			}
			const threshold = yield* percentileSteps(b.criteria!.statisticalThreshold!.statistic!, values.subarray(0, n), TICK_SLICE * 8);
			if (threshold === undefined) continue;
			const op = OPERATORS.get(b.criteria!.comparisonOperator!)!;
			for (let i = 0; i < n; i++) {
				const value = { count: values[i] };
				this.#record(bound, things[fleet[i]], value, !op.compare(value, { count: threshold }), now, events);
				if (i % TICK_SLICE === TICK_SLICE - 1) yield;
			}
		}
	}

	/** Cloud-side ML behaviors: the thing's count in the 300 s window (0 for a connected quiet thing). */
	*#closeMl(w: ClosedWindow, things: string[], now: number, events: ViolationEvent[]): Generator<void> {
		// no pass over the fleet's things when no profile has a cloud-side ML behavior (checked once per close)
		if (!this.#ml || !this.#hasCloudMl()) return;
		let i = 0;
		for (const thing of things) {
			for (const bound of this.#registry.behaviorsFor(thing)) {
				if (bound.static || bound.statistical || infoOf(bound.behavior.metric!)?.side !== "cloud") continue;
				this.#judgeMl(bound, thing, { count: w.values.get(thing, bound.behavior.metric!) ?? 0 }, w.end, now, events);
			}
			if (++i % TICK_SLICE === 0) yield;
		}
	}

	#hasCloudMl(): boolean {
		for (const { securityProfileName } of this.#registry.listSecurityProfiles()) {
			for (const b of this.#registry.describeSecurityProfile(securityProfileName)?.behaviors ?? []) {
				if (criteriaType(b) === "MACHINE_LEARNING" && b.metric !== undefined && infoOf(b.metric)?.side === "cloud") return true;
			}
		}
		return false;
	}

	#judgeMl(bound: BoundBehavior, thing: string, value: MetricValue, time: number, now: number, events: ViolationEvent[]): void {
		const n = numericOf(value);
		const violated = n === undefined ? undefined : this.#ml?.violated(bound, thing, n, time);
		if (violated === undefined) return;
		const before = events.length;
		this.#record(bound, thing, value, violated, now, events);
		const confidenceLevel = bound.behavior.criteria?.mlDetectionConfig?.confidenceLevel;
		for (const e of events.slice(before)) if (confidenceLevel) e.violationEventAdditionalInfo = { confidenceLevel };
	}

	#evaluate(bound: BoundBehavior, thing: string, value: MetricValue, now: number, events: ViolationEvent[]): void {
		const violated = !operatorOf(bound.behavior).compare(value, bound.behavior.criteria!.value!);
		this.#record(bound, thing, value, violated, now, events);
	}

	#record(bound: BoundBehavior, thing: string, value: MetricValue, violated: boolean, now: number, events: ViolationEvent[]): void {
		// every evaluated datapoint is exported (metrics export), the conforming ones of stateless things too
		for (const cb of this.#evaluated) cb({ bound, thing, value, time: now });
		// a conforming datapoint of a thing with no state leaves it in the initial state: nothing to do
		if (!violated && !this.#stateful.has(thing)) return;
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

	*#invalidate(now: number, events: ViolationEvent[]): Generator<void> {
		let i = 0;
		for (const [k, r] of this.#states) {
			if (++i % TICK_SLICE === 0) yield;
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
			this.#deleteState(k, r.thing);
			this.#dirty.add(k);
		}
	}

	#setState(k: string, r: StateRecord): void {
		if (this.#states.has(k)) return void this.#states.set(k, r);
		this.#states.set(k, r);
		this.#stateful.set(r.thing, (this.#stateful.get(r.thing) ?? 0) + 1);
	}

	#deleteState(k: string, thing: string): boolean {
		if (!this.#states.delete(k)) return false;
		const n = (this.#stateful.get(thing) ?? 1) - 1;
		if (n > 0) this.#stateful.set(thing, n);
		else this.#stateful.delete(thing);
		return true;
	}

	/** Keeps a state; the initial one is not kept (absent = initial), so a quiet fleet holds no states. */
	#put(k: string, r: StateRecord): void {
		const s = r.state;
		if (!s.inAlarm && s.violating === 0 && s.conforming === 0) {
			if (this.#deleteState(k, r.thing)) this.#dirty.add(k);
			return;
		}
		this.#setState(k, r);
		this.#dirty.add(k);
	}
}

/** The things a closed window evaluates: those with values in it, then the connected ones without. */
function* thingsOf(w: ClosedWindow, connected: Iterable<string>): Generator<void, string[]> {
	// the things with values fill an array sized once (no growth copies of a million-entry array)
	const things = new Array<string>(w.values.size);
	let i = 0;
	for (const t of w.values.things()) {
		things[i] = t;
		if (++i % TICK_SLICE === 0) yield;
	}
	things.length = i;
	for (const t of connected) {
		if (!w.values.has(t)) things.push(t);
		if (++i % TICK_SLICE === 0) yield;
	}
	return things;
}

function key(profile: string, behavior: string, thing: string): string {
	return `${profile}\u0000${behavior}\u0000${thing}`;
}
