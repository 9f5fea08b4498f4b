/*
 * cloud — the running cloud: turns broker events into Detect input, answers reserved-topic reports,
 * records violation events (capped per thing: event-cap.ts), feeds alerts, runs the window/invalidation
 * and retention tick on the injected clock (retention.ts) and writes what changed behind to the store
 * (write-behind.ts). Created by startCloud() (index.ts).
 */
import type { Clock, TimerHandle } from "../modules/platform/platform";
import type { Alert, AlertDispatcher } from "./alerts";
import type { ReportAudit } from "./broker/report-audit";
import type { Broker, BrokerHooks } from "./broker/server";
import type { DetectEngine, ViolationEvent } from "./detect/engine";
import type { MetricValue } from "./detect/metric-value";
import type { MlModels, ModelSummary } from "./detect/ml/index";
import type { SecurityProfile } from "./detect/profile";
import { METRICS } from "./detect/catalogue";
import { ALL_THINGS_ARN, type Registry } from "./detect/registry";
import { validateBehaviors } from "./detect/validate";
import { scopedMetric } from "./detect/dimensions";
import { evaluated } from "./detect/custom-metrics";
import { runSliced } from "./detect/steps";
import type { ValidationError } from "./errors";
import { issueThingCertificate, type ThingFiles } from "./pki";
import { intakeReport, type IntakeOptions, type ReportGateState } from "./reports/intake";
import type { Reply } from "./reports/replies";
import { matchReportTopic } from "./reports/topics";
import type { EventQuery } from "./store";
import type { RuntimeStore } from "./store/runtime";
import type { EventPage, ThingSnapshot } from "./store/backend";
import type { CountedMetric, ThingMetrics } from "./thing-metrics";
import { ThingTable } from "./thing-table";
import { activeViolations, type ActiveViolation, type ViolationFilter } from "./violations";
import { EventCap } from "./event-cap";
import { pruneExpired } from "./retention";
import { WriteBehind } from "./write-behind";

export interface CloudParts {
	clock: Clock;
	log: (s: string) => void;
	store: RuntimeStore;
	registry: Registry;
	/** several processes share the database (pg-partitions.ts): only the things of held partitions are evaluated */
	partitions?: ThingPartitions;
	engine: DetectEngine;
	/** ML Detect's models (GetBehaviorModelTrainingSummaries) */
	ml?: MlModels;
	alerts: AlertDispatcher;
	pkiDir: string;
	intake: IntakeOptions;
}

/** Which things this process evaluates; a report of another is held (for a takeover) instead. */
export interface ThingPartitions {
	owns(thing: string): boolean;
	hold(thing: string, topic: string, payload: Buffer): void;
}

const TICK_MS = 60_000;
/** longest stretch one slice of the minute tick's window close may hold the event loop */
const TICK_SLICE_MS = 5;
const TICK_SLICE_ROWS = 1_000;
const TICK_SLICE_EVENTS = 250;

/** A replied report as the console sees it: the payload as received, the reply, the accepted values. */
export interface ObservedReport {
	thing: string;
	format: "json" | "cbor";
	payload: Buffer;
	time: number;
	reply: Reply;
	values?: Map<string, MetricValue>;
}

/** An `alarm-cleared` the operator caused (console), not a conforming datapoint. */
export type OperatorClear = ViolationEvent & { clearedBy: "operator" };

export interface CloudObserver {
	report(r: ObservedReport): void;
}

export class Cloud {
	readonly #p: CloudParts;
	readonly #things = new ThingTable();
	readonly #replyListeners: ((r: Reply) => void)[] = [];
	readonly #eventListeners: ((e: ViolationEvent) => void)[] = [];
	readonly #observers: CloudObserver[] = [];
	readonly #connectionListeners: ((thing: string, connected: boolean, address?: string) => void)[] = [];
	readonly #writes: WriteBehind;
	readonly #cap: EventCap;
	#flushScheduled = false;
	#broker?: Broker;
	#timer: TimerHandle | undefined;
	#stopped = false;
	#slicedTick: Promise<void> | undefined;
	#mlTask: Promise<void> | undefined;

	constructor(parts: CloudParts) {
		this.#p = parts;
		this.#writes = new WriteBehind(parts.store, parts.log);
		this.#cap = new EventCap(parts.log);
	}

	/** TCP port the broker listens on. */
	get port(): number {
		return this.#broker!.port;
	}

	readonly allThingsArn = ALL_THINGS_ARN;

	attach(broker: Broker): void {
		this.#broker = broker;
		if (!broker.cloudSideMetrics) this.#warnUnavailable();
		this.#schedule();
	}

	/** Reports delivered to and evaluated by Detect, per thing (external broker only, else undefined). */
	reportAudit(): ReportAudit | undefined {
		return this.#broker?.reportAudit?.();
	}

	/** Cloud-side metrics the broker cannot provide (all of them with an external broker): never evaluated. */
	unavailableMetrics(): string[] {
		if (this.#broker?.cloudSideMetrics !== false) return [];
		return [...METRICS].filter(([, info]) => info.side === "cloud").map(([name]) => name);
	}

	#warnUnavailable(): void {
		const unavailable = new Set(this.unavailableMetrics());
		this.#p.log(`detect: external broker: cloud-side metrics unavailable (${[...unavailable].join(", ")}); their behaviors are not evaluated`);
		for (const { securityProfileName } of this.listSecurityProfiles()) this.#warnProfile(securityProfileName, unavailable);
	}

	#warnProfile(name: string, unavailable: Set<string>): void {
		for (const b of this.describeSecurityProfile(name)?.behaviors ?? []) {
			if (b.metric && unavailable.has(b.metric)) this.#p.log(`detect: ${name}/${b.name} uses ${b.metric}: unavailable with an external broker, not evaluated`);
		}
	}

	createThingGroup(name: string): string {
		return this.#p.registry.createThingGroup(name);
	}

	addThingToThingGroup(thing: string, group: string): void {
		this.#p.registry.addThingToThingGroup(thing, group);
	}

	createSecurityProfile(json: unknown): { securityProfileName: string; securityProfileArn: string } {
		const p = this.#p.registry.createSecurityProfile(json);
		if (this.#broker?.cloudSideMetrics === false) this.#warnProfile(p.securityProfileName, new Set(this.unavailableMetrics()));
		return { securityProfileName: p.securityProfileName, securityProfileArn: `arn:aws:iot:local:000000000000:securityprofile/${p.securityProfileName}` };
	}

	validateSecurityProfileBehaviors(behaviors: unknown): { valid: boolean; validationErrors: ValidationError[] } {
		const validationErrors = validateBehaviors(behaviors, this.#p.registry.definitions);
		return { valid: validationErrors.length === 0, validationErrors };
	}

	attachSecurityProfile(name: string, targetArn: string): void {
		this.#p.registry.attachSecurityProfile(name, targetArn);
	}

	listSecurityProfiles(): { securityProfileName: string; targets: string[] }[] {
		return this.#p.registry.listSecurityProfiles();
	}

	describeSecurityProfile(name: string): SecurityProfile | undefined {
		return this.#p.registry.describeSecurityProfile(name);
	}

	listActiveViolations(filter?: ViolationFilter): ActiveViolation[] {
		return activeViolations(this.#p.engine.activeStates(), (n) => this.#p.registry.describeSecurityProfile(n), filter);
	}

	/** ListViolationEvents: the first page (at most maxResults, default and maximum EVENT_PAGE_MAX) of the stored history. */
	listViolationEvents(query?: EventQuery): ViolationEvent[] {
		return this.queryViolationEvents(query).violationEvents;
	}

	/** ListViolationEvents with paging: pass the returned nextToken to get the next page. */
	queryViolationEvents(query?: EventQuery): { violationEvents: ViolationEvent[]; nextToken?: string } {
		this.flush();
		return this.#p.store.violationEvents(query);
	}

	/** Violation events not recorded because of the per-thing cap (event-cap.ts), since start. */
	suppressedEvents(): number {
		return this.#cap.suppressed;
	}

	listMetricValues(thing: string, metric: string, startTime?: number, endTime?: number): { timestamp: number; value: MetricValue }[] {
		this.flush();
		return this.#p.store.metricValues(thing, metric, startTime, endTime);
	}

	/** GetBehaviorModelTrainingSummaries: the model state of every ML behavior (of one profile). */
	getBehaviorModelTrainingSummaries(securityProfileName?: string): ModelSummary[] {
		return this.#p.ml?.summaries(securityProfileName) ?? [];
	}

	/** Resolves once everything the cloud has queued for its store so far is committed (at once on SQLite). */
	async committed(): Promise<void> {
		this.flush();
		await this.#p.store.drained?.call(this.#p.store);
	}

	/** queryViolationEvents for any store (a server database is read asynchronously, after what is queued is committed). */
	async queryViolationEventsAsync(query?: EventQuery): Promise<EventPage> {
		this.flush();
		const { history, drained } = this.#p.store;
		if (!history) return this.#p.store.violationEvents(query);
		await drained?.call(this.#p.store);
		return history.violationEvents(query);
	}

	/** listMetricValues for any store. */
	async listMetricValuesAsync(thing: string, metric: string, startTime?: number, endTime?: number): Promise<{ timestamp: number; value: MetricValue }[]> {
		this.flush();
		const { history, drained } = this.#p.store;
		if (!history) return this.#p.store.metricValues(thing, metric, startTime, endTime);
		await drained?.call(this.#p.store);
		return history.metricValues(thing, metric, startTime, endTime);
	}

	/** Takes over things loaded from the store (a partition this process now holds). */
	adoptThings(s: ThingSnapshot): void {
		for (const [thing, gate] of s.gates) this.#things.setLoadedGate(this.#things.row(thing), gate);
		this.#p.engine.restore(s.states, s.seen);
	}

	/** Forgets the in-memory state of things another process now evaluates (after committing what is queued). */
	releaseThings(which: (thing: string) => boolean): void {
		this.flush();
		this.#things.unloadGates(which);
		this.#p.engine.release(which);
	}

	/** The report gate of a thing (last accepted report id and time), as Detect holds it. */
	reportGate(thing: string): ReportGateState | undefined {
		return this.#things.gate(this.#things.row(thing), () => this.#p.store.loadGate(thing));
	}

	/** Evaluates a report received earlier (held while another process owned its thing). */
	replayReport(topic: string, payload: Buffer): void {
		this.#subscribed(topic, payload);
	}

	issueThingCertificate(thing: string): ThingFiles {
		return issueThingCertificate(this.#p.pkiDir, thing);
	}

	onAlert(cb: (a: Alert) => void): void {
		this.#p.alerts.onAlert(cb);
	}

	onReply(cb: (r: Reply) => void): void {
		this.#replyListeners.push(cb);
	}

	/** A thing connected (with its address) or disconnected. */
	onConnection(cb: (thing: string, connected: boolean, address?: string) => void): void {
		this.#connectionListeners.push(cb);
	}

	onViolationEvent(cb: (e: ViolationEvent) => void): void {
		this.#eventListeners.push(cb);
	}

	/** Every replied report with its payload, for the console (cloud/console/activity.ts). */
	observe(o: CloudObserver): void {
		this.#observers.push(o);
	}

	/** The operator ends an active violation: its state starts over (as after a conforming datapoint) and an `alarm-cleared` event is recorded. */
	clearViolation(violationId: string): OperatorClear | undefined {
		const r = this.#p.engine.activeStates().find((s) => s.state.inAlarm && s.state.violationId === violationId);
		if (!r) return undefined;
		const behavior = this.#p.registry.describeSecurityProfile(r.profile)?.behaviors?.find((b) => b.name === r.behavior) ?? { name: r.behavior };
		const e: OperatorClear = {
			violationId,
			thingName: r.thing,
			securityProfileName: r.profile,
			behavior,
			metricValue: r.state.lastViolationValue,
			violationEventType: "alarm-cleared",
			violationEventTime: this.#p.clock.now(),
			clearedBy: "operator",
		};
		this.#p.engine.forget((s) => s === r);
		this.#emit([e]);
		return e;
	}

	metrics(thing: string): ThingMetrics {
		const m = this.#things.metrics(thing);
		if (m.reportsAccepted > 0) {
			this.flush();
			// device-side: not a cloud-side counter nor a dimension-scoped series of one (closed-window rows)
			m.lastReport = this.#p.store.lastReport(thing, (metric) => METRICS.get(scopedMetric(metric) ?? metric)?.side !== "cloud");
		}
		return m;
	}

	/** Alerts still waiting for the webhook (retries included). */
	pendingWebhookAlerts(): number {
		return this.#p.alerts.pending();
	}

	/** Closes due windows and invalidates silent things now, in one go (the minute tick runs it sliced). */
	tick(): ViolationEvent[] {
		const now = this.#p.clock.now();
		const events = this.#p.engine.tick(now, this.#broker?.connectedThings() ?? []);
		this.#ticked(events);
		this.#endTick(now);
		return events;
	}

	/** Resolves when the minute tick in progress (if any) has finished its sliced window close and ML model upkeep. */
	async ticked(): Promise<void> {
		await Promise.all([this.#slicedTick, this.#mlTask]);
	}

	/**
	 * ML model upkeep (reading a behavior's history, training, writing the model: seconds over a big fleet, and
	 * waiting on the database with PostgreSQL) as a task of its own beside the window close, in slices of at
	 * most TICK_SLICE_MS; one at a time (a minute tick finding it still running leaves it be).
	 */
	#mlSliced(now: number): void {
		const ml = this.#p.ml;
		if (!ml || this.#mlTask) return;
		const failed = (e: unknown): void => this.#p.log(`ML model upkeep failed: ${e instanceof Error ? e.message : String(e)}; again on the next minute tick`);
		let rest: Promise<void> | undefined;
		try {
			rest = runSliced(ml.maintainSteps(now), { sliceMs: TICK_SLICE_MS, stopped: () => this.#stopped });
		} catch (e) {
			failed(e);
		}
		if (!rest) return;
		const task = rest.catch(failed);
		this.#mlTask = task;
		void task.then(() => {
			if (this.#mlTask === task) this.#mlTask = undefined;
		});
	}

	/** The minute tick: the window close runs in slices of at most TICK_SLICE_MS, yielding the event loop between them. */
	#tickSliced(): void {
		const now = this.#p.clock.now();
		this.#mlSliced(now);
		if (this.#slicedTick) return;
		const events: ViolationEvent[] = [];
		const rest = runSliced(this.#p.engine.tickSteps(now, this.#broker?.connectedThings() ?? [], events), {
			sliceMs: TICK_SLICE_MS,
			// a slice also ends once it has produced a transaction's worth of metric rows or events (written before the next)
			more: () => this.#p.engine.pendingDatapoints < TICK_SLICE_ROWS && events.length < TICK_SLICE_EVENTS,
			after: (done) => {
				this.#ticked(events.splice(0));
				if (done) this.#endTick(now);
			},
			stopped: () => this.#stopped,
		});
		if (!rest) return;
		this.#slicedTick = rest;
		void rest.then(() => {
			if (this.#slicedTick === rest) this.#slicedTick = undefined;
		});
	}

	#ticked(events: ViolationEvent[]): void {
		const datapoints = this.#p.engine.takeCloudDatapoints();
		if (datapoints.length) {
			for (const d of datapoints) this.#writes.metric(d);
			this.#later();
		}
		this.#emit(events);
	}

	#endTick(now: number): void {
		this.#cap.roll(now);
		pruneExpired(this.#p.store, now, this.#p.log);
	}

	/** Writes what changed (Detect states, last-seen times, report gates, metric rows) behind; also after each event-loop turn. */
	flush(): void {
		this.#flushScheduled = false;
		while (this.#writes.flush(this.#p.engine.takeDirty(), this.#p.engine.takeSeen()));
	}

	/** One bounded write-behind transaction (after an event-loop turn); another is scheduled if more is left. */
	#flushSome(): void {
		this.#flushScheduled = false;
		if (this.#writes.flush(this.#p.engine.takeDirty(), this.#p.engine.takeSeen())) this.#later();
	}

	async stop(): Promise<void> {
		if (this.#stopped) return;
		this.#stopped = true;
		this.#p.clock.clear(this.#timer);
		this.#p.alerts.stop();
		await this.#broker?.close();
		// ML upkeep ends at its next step (it may be waiting on the database)
		await this.#mlTask;
		this.flush();
		if (this.#writes.failing) this.#p.log(`store: stopped while unable to write; not recorded: ${this.#writes.describe()}`);
		await this.#p.store.close();
	}

	hooks(): BrokerHooks {
		return {
			connectAttempt: (t) => this.#count(t, "aws:num-connection-attempts"),
			connected: (t, ip) => this.#connected(t, ip),
			disconnected: (t) => {
				this.#things.connected(this.#things.row(t), undefined);
				this.#count(t, "aws:num-disconnects");
				for (const cb of this.#connectionListeners) cb(t, false);
			},
			authorizationFailure: (t, reason, topic) => {
				this.#p.log(`authz: ${reason}`);
				this.#count(t, "aws:num-authorization-failures", topic);
			},
			fromDevice: (t, topic, payload) => this.#fromDevice(t, topic, payload),
			toDevice: (t, topic) => this.#count(t, "aws:num-messages-received", topic),
			report: (topic, payload) => this.#subscribed(topic, payload),
		};
	}

	#count(t: string, metric: CountedMetric, topic?: string): void {
		this.#things.bump(this.#things.row(t), metric);
		this.#p.engine.count(t, metric, this.#p.clock.now(), topic);
		this.#later();
	}

	#connected(t: string, ip: string): void {
		this.#things.connected(this.#things.row(t), ip);
		for (const cb of this.#connectionListeners) cb(t, true, ip);
		this.#emit(this.#p.engine.sourceIp(t, ip, this.#p.clock.now()));
	}

	#fromDevice(t: string, topic: string, payload: Buffer): void {
		const now = this.#p.clock.now();
		const row = this.#things.row(t);
		this.#things.bump(row, "aws:num-messages-sent");
		this.#things.messageSize(row, payload.length);
		this.#emit(this.#p.engine.message(t, payload.length, now, topic || undefined));
		const reserved = matchReportTopic(topic);
		if (reserved) this.#report(reserved.thing, reserved.format, payload, now);
		this.#later();
	}

	/** A report seen as a subscriber (external broker): the broker's ACL already checked who published it. */
	#subscribed(topic: string, payload: Buffer): void {
		const reserved = matchReportTopic(topic);
		if (!reserved) return this.#p.log(`report: ignored message on ${topic}`);
		if (this.#p.partitions && !this.#p.partitions.owns(reserved.thing)) return this.#p.partitions.hold(reserved.thing, topic, payload);
		this.#report(reserved.thing, reserved.format, payload, this.#p.clock.now());
		this.#later();
	}

	#report(thing: string, format: "json" | "cbor", payload: Buffer, now: number): void {
		const row = this.#things.row(thing);
		const gate = this.#things.gate(row, () => this.#p.store.loadGate(thing));
		const result = intakeReport(thing, format, payload, gate, this.#p.intake, now);
		if (result.kind === "duplicate") return this.#p.log(`report: ${thing} duplicate report id ${result.reportId} discarded`);
		if (result.kind === "rejected") {
			this.#things.bump(row, "reportsRejected");
			this.#p.log(`report: ${thing} rejected: ${result.detail}`);
		} else {
			this.#things.bump(row, "reportsAccepted");
			this.#things.setGate(row, result.state);
			this.#writes.gate(thing, result.state);
			for (const [metric, value] of result.report.values) this.#writes.metric({ thing, metric, time: now, value });
			const ignored = this.#things.ignored(row);
			const screened = evaluated(thing, ignored, result.report.values, this.#p.registry.definitions, this.#p.log);
			if (ignored.customMetricsIgnored !== undefined) this.#things.setIgnored(row, ignored);
			this.#emit(this.#p.engine.report(thing, screened, now));
		}
		this.#reply(result.reply);
		const values = result.kind === "rejected" ? undefined : result.report.values;
		for (const o of this.#observers) o.report({ thing, format, payload, time: now, reply: result.reply, values });
	}

	#reply(reply: Reply): void {
		const send = (): void => {
			for (const cb of this.#replyListeners) cb(reply);
			this.#broker?.publish(reply.topic, reply.payload, 1).catch((e: Error) => this.#p.log(`reply: ${e.message}`));
		};
		// a server database: the reply waits until the report's effects are committed (no answer = the device reports again)
		this.#durable(send);
	}

	/** Runs `cb` now, or (a server database) once what is queued so far, this turn's changes included, is committed. */
	#durable(cb: () => void): void {
		if (!this.#p.store.afterDurable) return cb();
		this.flush();
		this.#p.store.afterDurable(cb);
	}

	#emit(events: ViolationEvent[]): void {
		for (const e of events) {
			if (!this.#cap.admit(e)) continue;
			this.#writes.event(e);
			this.#p.log(`detect: ${e.violationEventType} ${e.thingName} ${e.securityProfileName}/${e.behavior.name}`);
			this.#durable(() => {
				for (const cb of this.#eventListeners) cb(e);
				this.#p.alerts.dispatch(e);
			});
		}
		if (events.length) this.#later();
	}

	#later(): void {
		if (this.#flushScheduled || this.#stopped) return;
		this.#flushScheduled = true;
		setImmediate(() => {
			if (!this.#stopped) this.#flushSome();
		});
	}

	#schedule(): void {
		const now = this.#p.clock.now();
		const delay = TICK_MS - (now % TICK_MS) || TICK_MS;
		this.#timer = this.#p.clock.set(() => {
			if (this.#stopped) return;
			this.#tickSliced();
			this.#schedule();
		}, delay);
	}
}
