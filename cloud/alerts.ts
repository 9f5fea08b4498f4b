/*
 * alerts — the SNS-equivalent output: each violation event of a behavior without suppressAlerts becomes an
 * alert in the SNS message shape (spec §7.5), written to stdout, appended to a JSON-lines file and POSTed
 * to a webhook through the persisted outbox (outbox.ts): written before the first attempt, each POST
 * bounded by a timeout, retried with back-off on the injected clock until delivered, resumed after a
 * restart. Nothing here ever blocks detection.
 */
import { appendFileSync } from "node:fs";
import type { Clock } from "../modules/platform/platform";
import type { ViolationEvent } from "./detect/engine";
import type { MetricValue } from "./detect/metric-value";
import type { Behavior } from "./detect/profile";
import { Outbox } from "./outbox";
import type { OutboxTable } from "./outbox-table";
import { alertText } from "./terminal";
import { webhookSender } from "./webhook";

export interface Alert {
	violationEventTime: number;
	thingName: string;
	behavior: Behavior;
	violationEventType: ViolationEvent["violationEventType"];
	metricValue?: MetricValue;
	violationId: string;
	securityProfileName: string;
}

export interface AlertOptions {
	stdout?: boolean;
	/** how stdout shows an alert: "json" (default here: the SNS message shape) or "text" (terminal.ts, one readable line) */
	stdoutFormat?: "json" | "text";
	jsonl?: string;
	webhook?: string;
	/** one webhook POST may take this long before it counts as failed (default 10,000 ms) */
	webhookTimeoutMs?: number;
	/** back-off after a failed delivery (default 1000 ms), doubled per consecutive failure up to webhookMaxBackoffMs (default 300,000) */
	webhookBackoffMs?: number;
	webhookMaxBackoffMs?: number;
}

export function toAlert(e: ViolationEvent): Alert {
	return {
		violationEventTime: e.violationEventTime,
		thingName: e.thingName,
		behavior: e.behavior,
		violationEventType: e.violationEventType,
		metricValue: e.metricValue,
		violationId: e.violationId,
		securityProfileName: e.securityProfileName,
	};
}

export class AlertDispatcher {
	readonly #options: AlertOptions;
	readonly #log: (s: string) => void;
	readonly #listeners: ((a: Alert) => void)[] = [];
	readonly #outbox: Outbox;
	readonly #webhook?: string;

	constructor(options: AlertOptions, clock: Clock, log: (s: string) => void, outbox: OutboxTable) {
		this.#options = options;
		this.#log = log;
		// SNS targets (sns-…) share the table but belong to the SNS service (cloud/sns/)
		const owns = (target: string): boolean => !target.startsWith("sns-");
		this.#outbox = new Outbox(outbox, clock, log, { backoffMs: options.webhookBackoffMs, maxBackoffMs: options.webhookMaxBackoffMs, owns });
		if (options.webhook) {
			this.#webhook = `webhook:${options.webhook}`;
			this.#outbox.register(this.#webhook, webhookSender(options.webhook, options.webhookTimeoutMs ?? 10_000));
		}
		this.#outbox.reportOrphans();
	}

	get delivered(): number {
		return this.#outbox.delivered;
	}

	get failedAttempts(): number {
		return this.#outbox.failedAttempts;
	}

	onAlert(cb: (a: Alert) => void): void {
		this.#listeners.push(cb);
	}

	/** Called for every violation event; suppressed behaviors produce no alert. */
	dispatch(e: ViolationEvent): void {
		if (e.behavior.suppressAlerts === true) return;
		const alert = toAlert(e);
		const line = JSON.stringify(alert);
		if (this.#options.stdout) process.stdout.write((this.#options.stdoutFormat === "text" ? alertText(alert) : line) + "\n");
		if (this.#options.jsonl) this.#append(line);
		for (const cb of this.#listeners) cb(alert);
		if (this.#webhook) this.#outbox.enqueue(this.#webhook, line);
	}

	/** Deliveries still owed (the webhook's outbox rows). */
	pending(): number {
		return this.#outbox.pending();
	}

	stop(): void {
		this.#outbox.stop();
	}

	#append(line: string): void {
		try {
			appendFileSync(this.#options.jsonl!, line + "\n");
		} catch (e) {
			this.#log(`alerts: cannot append to ${this.#options.jsonl}: ${(e as Error).message}`);
		}
	}
}
