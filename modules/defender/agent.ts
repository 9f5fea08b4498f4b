/*
 * agent — the Device Defender agent. Every interval it polls the sampler, builds a report from
 * the pending deltas, the driver's port and connection lists and the custom metrics, gives it a
 * strictly increasing persisted id, publishes it at QoS 1 and matches the accepted/rejected reply
 * by reportId. Only an ACCEPTED reply acknowledges the deltas the report carried: after a
 * rejection, a timeout or an offline interval they stay pending and go into the next report under a
 * new id, so nothing is lost and nothing is counted twice. A reply that comes after the timeout
 * still counts until the next report is built (it no longer counts as timed out). Throttled backs
 * off a whole interval. MQTT callbacks only queue; replies are handled on a 0 ms timer. Nothing
 * thrown by a port (clock, driver, client, store, log) or by onOutcome leaves a timer or MQTT
 * callback: it is counted in status.faults and logged.
 */
import type { Log, TimerHandle } from "../platform/platform";
import type { NetStats } from "../sampler/sampler";
import { newNetStats } from "../sampler/sampler";
import type { Reply } from "../report/report";
import { DEFAULT_MAX_LIST_SIZE, parseReply, replyTopics, reportTopic } from "../report/report";
import type { AgentConfig, Settings } from "./config";
import { settings } from "./config";
import { describe } from "./errors";
import { CustomMetrics } from "./metrics";
import type { CustomKind } from "./metrics";
import { reportPayload } from "./payload";
import { ReportIds } from "./reportid";
import type { AgentStatus, ReplyState } from "./status";
import { newStatus } from "./status";
import type { AgentPorts } from "./ports";

/** Replies queued between MQTT callbacks and the handling timer; more are counted as bad. */
const MAX_QUEUED_REPLIES = 4;

export class DefenderAgent {
	/** Called after each report's outcome (optional; for applications and tests). */
	onOutcome: ((state: ReplyState, reportId: number) => void) | undefined;
	readonly settings: Settings;
	readonly topic: string;
	readonly acceptedTopic: string;
	readonly rejectedTopic: string;
	#p: AgentPorts;
	#log: Log;
	#ids: ReportIds;
	#metrics: CustomMetrics;
	#status = newStatus();
	#replies: Uint8Array[] = [];
	#subscribe = false;
	#running = false;
	#inFlight: NetStats | undefined;
	#inFlightId = 0;
	#late: NetStats | undefined;
	#lateId = 0;
	#reportTimer: TimerHandle | undefined;
	#pollTimer: TimerHandle | undefined;
	#replyTimer: TimerHandle | undefined;
	#workTimer: TimerHandle | undefined;

	constructor(ports: AgentPorts, config: AgentConfig) {
		this.settings = settings(config, DEFAULT_MAX_LIST_SIZE);
		const { thingName, format } = this.settings;
		this.topic = reportTopic(thingName, format);
		const replies = replyTopics(thingName, format);
		this.acceptedTopic = replies.accepted;
		this.rejectedTopic = replies.rejected;
		this.#p = ports;
		this.#log = ports.log ?? (() => {});
		this.#ids = new ReportIds(ports.store, this.#log);
		this.#metrics = new CustomMetrics(this.settings.maxListSize);
	}

	get status(): Readonly<AgentStatus> {
		this.#status.connected = this.#p.mqtt.connected;
		this.#status.storeFailures = this.#ids.failures;
		return this.#status;
	}

	addNumber(name: string, collect: () => number): void {
		this.#add(name, "number", collect);
	}

	addNumberList(name: string, collect: () => number[]): void {
		this.#add(name, "number_list", collect);
	}

	addStringList(name: string, collect: () => string[]): void {
		this.#add(name, "string_list", collect);
	}

	addIpList(name: string, collect: () => string[]): void {
		this.#add(name, "ip_list", collect);
	}

	/** Starts the poll and report schedule; the first report goes out one interval from now. */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#armPoll();
		this.#armReport(this.settings.intervalMs);
		if (this.#p.mqtt.connected) this.onConnected();
	}

	stop(): void {
		this.#running = false;
		const clock = this.#p.clock;
		clock.clear(this.#pollTimer);
		clock.clear(this.#reportTimer);
		clock.clear(this.#replyTimer);
		clock.clear(this.#workTimer);
		this.#pollTimer = this.#reportTimer = this.#replyTimer = this.#workTimer = undefined;
	}

	/** Call after every (re)connection: the reply topics are subscribed again (clean sessions). Never throws. */
	onConnected(): void {
		this.#subscribe = true;
		this.#defer("onConnected");
	}

	/** Call for every incoming message; only the two reply topics are taken (copied) and queued here. Never throws. */
	onMessage(topic: string, payload: Uint8Array): void {
		if (topic !== this.acceptedTopic && topic !== this.rejectedTopic) return;
		if (this.#replies.length >= MAX_QUEUED_REPLIES) {
			this.#status.badReplies++;
			return;
		}
		this.#replies.push(payload.slice());
		this.#defer("onMessage");
	}

	/**
	 * Call when the broker refused a SUBSCRIBE (SUBACK 0x80) — one of the agent's reply topics or any
	 * other of the device's (rogue mode's): counted and shown in status, and logged. Never throws.
	 */
	onSubscribeRefused(filter: string): void {
		const s = this.#status;
		s.subscribeRefused++;
		s.lastRefusedSubscription = filter;
		const replies = filter === this.acceptedTopic || filter === this.rejectedTopic;
		try {
			this.#log(`defender: the broker refused the subscription to ${filter}${replies ? "; report replies will not arrive and every report will time out" : ""}`);
		} catch {
			// the log threw: the refusal is still counted
		}
	}

	/** Polls and reports now instead of at the next interval (the schedule is unchanged). */
	reportNow(): void {
		this.#report();
	}

	#add(name: string, kind: CustomKind, collect: () => unknown): void {
		this.#metrics.add(name, kind, collect);
	}

	/** Runs #work on a 0 ms timer (from an MQTT callback: `step` names it if the clock throws). */
	#defer(step: string): void {
		try {
			if (this.#running && this.#workTimer === undefined) this.#workTimer = this.#p.clock.set(() => this.#work(), 0);
		} catch (error) {
			this.#fault(step, error);
		}
	}

	/**
	 * Counts and logs what a timer or MQTT callback step threw; callers catch it inline (no wrapper
	 * frames: the TLS write below a publish already runs deep in the 384-slot stack).
	 */
	#fault(step: string, error: unknown): void {
		this.#status.faults++;
		try {
			this.#log(`defender: ${step} failed: ${describe(error)}`);
		} catch {
			// the log itself threw: the fault is still counted
		}
	}

	#work(): void {
		this.#workTimer = undefined;
		const mqtt = this.#p.mqtt;
		try {
			if (this.#subscribe && mqtt.connected) {
				this.#subscribe = false;
				mqtt.subscribe(this.acceptedTopic, 1);
				mqtt.subscribe(this.rejectedTopic, 1);
			}
		} catch (error) {
			this.#fault("subscribe", error);
		}
		for (let payload = this.#replies.shift(); payload !== undefined; payload = this.#replies.shift()) {
			try {
				this.#handle(payload);
			} catch (error) {
				this.#fault("reply handling", error);
			}
		}
	}

	#armPoll(): void {
		this.#pollTimer = this.#p.clock.set(() => {
			try {
				this.#armPoll();
				this.#poll();
			} catch (error) {
				this.#fault("poll", error);
			}
		}, this.settings.pollMs);
	}

	#armReport(ms: number): void {
		this.#p.clock.clear(this.#reportTimer);
		this.#reportTimer = this.#p.clock.set(() => {
			try {
				this.#armReport(this.settings.intervalMs);
				this.#report();
			} catch (error) {
				this.#fault("report", error);
			}
		}, ms);
	}

	#poll(): void {
		try {
			this.#p.sampler.poll(this.#p.clock.ticks());
		} catch (error) {
			this.#status.pollFailures++;
			this.#log(`defender: sampler poll failed: ${describe(error)}`);
		}
	}

	#report(): void {
		this.#poll();
		if (this.#inFlight !== undefined) this.#timeout();
		this.#late = undefined;
		const { mqtt, sampler, clock } = this.#p;
		if (!mqtt.connected) {
			this.#status.skippedOffline++;
			this.#log("defender: offline at report time; deltas carried into the next report");
			return;
		}
		const stats = sampler.pending(newNetStats());
		const id = this.#ids.next(clock.now());
		const { format, maxListSize, maxReportBytes } = this.settings;
		const payload = reportPayload({ driver: this.#p.driver, metrics: this.#metrics, format, maxListSize, maxReportBytes, status: this.#status, log: this.#log }, id, stats);
		if (payload === undefined) return;
		if (!mqtt.publish(this.topic, payload, 1)) {
			this.#status.publishFailures++;
			this.#log(`defender: report ${id} could not be queued; deltas carried into the next report`);
			return;
		}
		const s = this.#status;
		s.sent++;
		s.lastReportId = id;
		s.awaitingReply = true;
		this.#inFlight = stats;
		this.#inFlightId = id;
		this.#replyTimer = clock.set(() => {
			try {
				this.#timeout();
			} catch (error) {
				this.#fault("reply timeout", error);
			}
		}, this.settings.replyTimeoutMs);
	}

	#timeout(): void {
		this.#p.clock.clear(this.#replyTimer);
		this.#replyTimer = undefined;
		const s = this.#status;
		s.timedOut++;
		s.lastReply = "TIMEOUT";
		s.lastReplyId = this.#inFlightId;
		s.awaitingReply = false;
		this.#late = this.#inFlight;
		this.#lateId = this.#inFlightId;
		this.#inFlight = undefined;
		this.#log(`defender: no reply to report ${this.#inFlightId}; deltas carried into the next report`);
		this.#notify("TIMEOUT", this.#lateId);
	}

	#handle(payload: Uint8Array): void {
		let reply: Reply;
		try {
			reply = parseReply(payload, this.settings.format);
		} catch (error) {
			this.#status.badReplies++;
			this.#log(`defender: unreadable reply: ${describe(error)}`);
			return;
		}
		const id = reply.reportId;
		if (this.#inFlight !== undefined && (id === this.#inFlightId || (id === undefined && reply.status === "REJECTED"))) {
			const stats = this.#inFlight;
			this.#inFlight = undefined;
			this.#status.awaitingReply = false;
			this.#p.clock.clear(this.#replyTimer);
			this.#replyTimer = undefined;
			this.#outcome(reply, this.#inFlightId, stats);
		} else if (this.#late !== undefined && id === this.#lateId) {
			const stats = this.#late;
			this.#late = undefined;
			this.#status.timedOut--;
			this.#outcome(reply, id, stats);
		} else {
			this.#status.badReplies++;
			this.#log(`defender: reply for report ${String(id)} matches no report waiting for one`);
		}
	}

	#outcome(reply: Reply, id: number, stats: NetStats): void {
		this.#record(reply, id, stats);
		this.#notify(reply.status, id);
	}

	/** onOutcome belongs to the application: what it throws must not stop the agent's own work. */
	#notify(state: ReplyState, id: number): void {
		try {
			this.onOutcome?.(state, id);
		} catch (error) {
			this.#fault("onOutcome", error);
		}
	}

	#record(reply: Reply, id: number, stats: NetStats): void {
		const s = this.#status;
		s.lastReply = reply.status;
		s.lastReplyId = id;
		s.lastErrorCode = reply.errorCode ?? "";
		s.lastErrorMessage = reply.errorMessage ?? "";
		if (reply.status === "ACCEPTED") {
			s.accepted++;
			this.#p.sampler.acknowledge(stats);
			return;
		}
		s.rejected++;
		if (reply.errorCode === "Throttled") {
			s.throttled++;
			this.#log(`defender: report ${id} Throttled; next report in a full interval`);
			this.#armReport(this.settings.intervalMs);
			return;
		}
		this.#log(`defender: report ${id} rejected ${s.lastErrorCode}: ${s.lastErrorMessage}; not resent, its deltas go into the next report`);
	}
}
