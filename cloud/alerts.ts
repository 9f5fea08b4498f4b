/*
 * alerts — the SNS-equivalent output: each violation event of a behavior without suppressAlerts becomes an
 * alert in the SNS message shape (spec §7.5), written to stdout, appended to a JSON-lines file and POSTed
 * to a webhook. The webhook has its own bounded queue: failures are retried with exponential back-off on
 * the injected clock (bounded attempts), and nothing here ever blocks detection.
 */
import { appendFileSync } from "node:fs";
import type { Clock } from "../modules/platform/platform";
import type { ViolationEvent } from "./detect/engine";
import type { MetricValue } from "./detect/metric-value";
import type { Behavior } from "./detect/profile";

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
	jsonl?: string;
	webhook?: string;
	/** webhook attempts per alert (default 5) and first back-off (default 1000 ms, doubled each time) */
	webhookAttempts?: number;
	webhookBackoffMs?: number;
	/** most alerts waiting for the webhook; the oldest is dropped (and logged) beyond it (default 1000) */
	webhookQueueLimit?: number;
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

interface Pending {
	alert: Alert;
	attempt: number;
}

export class AlertDispatcher {
	readonly #options: AlertOptions;
	readonly #clock: Clock;
	readonly #log: (s: string) => void;
	readonly #listeners: ((a: Alert) => void)[] = [];
	readonly #queue: Pending[] = [];
	#sending = false;
	#timer: unknown;
	#stopped = false;
	delivered = 0;
	failedAttempts = 0;
	dropped = 0;

	constructor(options: AlertOptions, clock: Clock, log: (s: string) => void) {
		this.#options = options;
		this.#clock = clock;
		this.#log = log;
	}

	onAlert(cb: (a: Alert) => void): void {
		this.#listeners.push(cb);
	}

	/** Called for every violation event; suppressed behaviors produce no alert. */
	dispatch(e: ViolationEvent): void {
		if (e.behavior.suppressAlerts === true) return;
		const alert = toAlert(e);
		const line = JSON.stringify(alert);
		if (this.#options.stdout) process.stdout.write(line + "\n");
		if (this.#options.jsonl) this.#append(line);
		for (const cb of this.#listeners) cb(alert);
		if (this.#options.webhook) this.#enqueue({ alert, attempt: 0 });
	}

	/** Alerts still waiting for the webhook. */
	pending(): number {
		return this.#queue.length + (this.#sending ? 1 : 0);
	}

	stop(): void {
		this.#stopped = true;
		this.#clock.clear(this.#timer);
	}

	#append(line: string): void {
		try {
			appendFileSync(this.#options.jsonl!, line + "\n");
		} catch (e) {
			this.#log(`alerts: cannot append to ${this.#options.jsonl}: ${(e as Error).message}`);
		}
	}

	#enqueue(p: Pending): void {
		if (this.#queue.length >= (this.#options.webhookQueueLimit ?? 1000)) {
			this.#queue.shift();
			this.dropped++;
			this.#log("alerts: webhook queue full, dropped the oldest alert");
		}
		this.#queue.push(p);
		this.#pump();
	}

	#pump(): void {
		if (this.#sending || this.#timer !== undefined || this.#stopped) return;
		const next = this.#queue.shift();
		if (!next) return;
		this.#sending = true;
		void this.#post(next.alert).then((ok) => this.#done(next, ok));
	}

	async #post(alert: Alert): Promise<boolean> {
		try {
			const res = await fetch(this.#options.webhook!, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(alert) });
			await res.arrayBuffer();
			return res.ok;
		} catch {
			return false;
		}
	}

	#done(p: Pending, ok: boolean): void {
		this.#sending = false;
		if (ok) {
			this.delivered++;
			return this.#pump();
		}
		this.failedAttempts++;
		const attempts = this.#options.webhookAttempts ?? 5;
		if (p.attempt + 1 >= attempts) {
			this.#log(`alerts: webhook gave up on violation ${p.alert.violationId} after ${attempts} attempts`);
			this.dropped++;
			return this.#pump();
		}
		const delay = (this.#options.webhookBackoffMs ?? 1000) * 2 ** p.attempt;
		this.#log(`alerts: webhook failed, retry ${p.attempt + 1} in ${delay} ms`);
		this.#queue.unshift({ alert: p.alert, attempt: p.attempt + 1 });
		this.#timer = this.#clock.set(() => {
			this.#timer = undefined;
			this.#pump();
		}, delay);
	}
}
