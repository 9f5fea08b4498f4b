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
import type { SecurityProfile } from "./detect/profile";
import { METRICS } from "./detect/catalogue";
import { ALL_THINGS_ARN, type Registry } from "./detect/registry";
import { validateBehaviors } from "./detect/validate";
import type { ValidationError } from "./errors";
import { issueThingCertificate, type ThingFiles } from "./pki";
import { intakeReport, type IntakeOptions, type ReportGateState } from "./reports/intake";
import type { Reply } from "./reports/replies";
import { matchReportTopic } from "./reports/topics";
import type { EventQuery } from "./store";
import type { RuntimeStore } from "./store/runtime";
import type { EventPage, ThingSnapshot } from "./store/backend";
import { emptyMetrics, type CountedMetric, type ThingMetrics } from "./thing-metrics";
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

export class Cloud {
	readonly #p: CloudParts;
	readonly #gates: Map<string, ReportGateState>;
	readonly #metrics = new Map<string, ThingMetrics>();
	readonly #replyListeners: ((r: Reply) => void)[] = [];
	readonly #eventListeners: ((e: ViolationEvent) => void)[] = [];
	readonly #writes: WriteBehind;
	readonly #cap: EventCap;
	#flushScheduled = false;
	#broker?: Broker;
	#timer: TimerHandle | undefined;
	#stopped = false;

	constructor(parts: CloudParts) {
		this.#p = parts;
		this.#gates = parts.store.loadGates();
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
		const validationErrors = validateBehaviors(behaviors);
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
		for (const [thing, gate] of s.gates) this.#gates.set(thing, gate);
		this.#p.engine.restore(s.states, s.seen);
	}

	/** Forgets the in-memory state of things another process now evaluates (after committing what is queued). */
	releaseThings(which: (thing: string) => boolean): void {
		this.flush();
		for (const thing of this.#gates.keys()) if (which(thing)) this.#gates.delete(thing);
		this.#p.engine.release(which);
	}

	/** The report gate of a thing (last accepted report id and time), as Detect holds it. */
	reportGate(thing: string): ReportGateState | undefined {
		return this.#gates.get(thing);
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

	onViolationEvent(cb: (e: ViolationEvent) => void): void {
		this.#eventListeners.push(cb);
	}

	metrics(thing: string): ThingMetrics {
		return { ...this.#thing(thing) };
	}

	/** Alerts still waiting for the webhook (retries included). */
	pendingWebhookAlerts(): number {
		return this.#p.alerts.pending();
	}

	/** Closes due windows and invalidates silent things now (also runs every minute on the clock). */
	tick(): ViolationEvent[] {
		const now = this.#p.clock.now();
		const events = this.#p.engine.tick(now, this.#broker?.connectedThings() ?? []);
		const datapoints = this.#p.engine.takeCloudDatapoints();
		if (datapoints.length) {
			for (const d of datapoints) this.#writes.metric(d);
			this.#later();
		}
		this.#emit(events);
		this.#cap.roll(now);
		pruneExpired(this.#p.store, now, this.#p.log);
		return events;
	}

	/** Writes what changed (Detect states, last-seen times, report gates, metric rows) behind; also after each event-loop turn. */
	flush(): void {
		this.#flushScheduled = false;
		this.#writes.flush(this.#p.engine.takeDirty(), this.#p.engine.takeSeen());
	}

	async stop(): Promise<void> {
		if (this.#stopped) return;
		this.#stopped = true;
		this.#p.clock.clear(this.#timer);
		this.#p.alerts.stop();
		await this.#broker?.close();
		this.flush();
		if (this.#writes.failing) this.#p.log(`store: stopped while unable to write; not recorded: ${this.#writes.describe()}`);
		await this.#p.store.close();
	}

	hooks(): BrokerHooks {
		return {
			connectAttempt: (t) => this.#count(t, "aws:num-connection-attempts"),
			connected: (t, ip) => this.#connected(t, ip),
			disconnected: (t) => {
				this.#thing(t).connected = false;
				this.#count(t, "aws:num-disconnects");
			},
			authorizationFailure: (t, reason) => {
				this.#p.log(`authz: ${reason}`);
				this.#count(t, "aws:num-authorization-failures");
			},
			fromDevice: (t, topic, payload) => this.#fromDevice(t, topic, payload),
			toDevice: (t) => this.#count(t, "aws:num-messages-received"),
			report: (topic, payload) => this.#subscribed(topic, payload),
		};
	}

	#thing(t: string): ThingMetrics {
		let m = this.#metrics.get(t);
		if (!m) this.#metrics.set(t, (m = emptyMetrics()));
		return m;
	}

	#count(t: string, metric: CountedMetric): void {
		this.#thing(t)[metric]++;
		this.#p.engine.count(t, metric, this.#p.clock.now());
		this.#later();
	}

	#connected(t: string, ip: string): void {
		const m = this.#thing(t);
		m.connected = true;
		m["aws:source-ip-address"] = ip;
		this.#emit(this.#p.engine.sourceIp(t, ip, this.#p.clock.now()));
	}

	#fromDevice(t: string, topic: string, payload: Buffer): void {
		const now = this.#p.clock.now();
		const m = this.#thing(t);
		m["aws:num-messages-sent"]++;
		m["aws:message-byte-size"] = payload.length;
		this.#emit(this.#p.engine.message(t, payload.length, now));
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
		const result = intakeReport(thing, format, payload, this.#gates.get(thing) ?? {}, this.#p.intake, now);
		if (result.kind === "duplicate") return this.#p.log(`report: ${thing} duplicate report id ${result.reportId} discarded`);
		const m = this.#thing(thing);
		if (result.kind === "rejected") {
			m.reportsRejected++;
			this.#p.log(`report: ${thing} rejected: ${result.detail}`);
		} else {
			m.reportsAccepted++;
			m.lastReport = Object.fromEntries(result.report.values);
			this.#gates.set(thing, result.state);
			this.#writes.gate(thing, result.state);
			for (const [metric, value] of result.report.values) this.#writes.metric({ thing, metric, time: now, value });
			this.#emit(this.#p.engine.report(thing, result.report.values, now));
		}
		this.#reply(result.reply);
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
			if (!this.#stopped) this.flush();
		});
	}

	#schedule(): void {
		const now = this.#p.clock.now();
		const delay = TICK_MS - (now % TICK_MS) || TICK_MS;
		this.#timer = this.#p.clock.set(() => {
			if (this.#stopped) return;
			this.tick();
			this.#schedule();
		}, delay);
	}
}
