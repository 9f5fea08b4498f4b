/*
 * event-cap — a bound on the violation events one thing can produce per behavior per hour (a flapping
 * behavior, e.g. a per-message size check on a device alternating small and large messages, produces one
 * event per message). Up to EVENT_CAP_PER_HOUR events per (thing, profile, behavior) per clock hour are
 * recorded and alerted; beyond it they are counted, not stored or alerted: one log line when the cap is
 * reached, one with the count when the hour ends. Alarm states are unaffected (ListActiveViolations stays
 * exact); only the event history and alerts are capped.
 */
import type { ViolationEvent } from "./detect/engine";

export const EVENT_CAP_PER_HOUR = 100;
const HOUR_MS = 3_600_000;

export class EventCap {
	readonly #log: (s: string) => void;
	readonly #limit: number;
	readonly #counts = new Map<string, number>();
	#hour = Number.NaN;
	/** events not recorded since start */
	suppressed = 0;

	constructor(log: (s: string) => void, limit = EVENT_CAP_PER_HOUR) {
		this.#log = log;
		this.#limit = limit;
	}

	/** True when `e` is within the cap of its thing and behavior for its hour. */
	admit(e: ViolationEvent): boolean {
		this.roll(e.violationEventTime);
		const key = `${e.thingName} ${e.securityProfileName}/${e.behavior.name}`;
		const n = (this.#counts.get(key) ?? 0) + 1;
		this.#counts.set(key, n);
		if (n <= this.#limit) return true;
		this.suppressed++;
		if (n === this.#limit + 1) this.#log(`detect: ${key} reached ${this.#limit} violation events this hour; further ones until ${iso(this.#hour + 1)} are counted, not stored or alerted`);
		return false;
	}

	/** Ends the hour before `now`'s: logs what it suppressed. Called on every event and on the tick. */
	roll(now: number): void {
		const hour = Math.floor(now / HOUR_MS);
		if (hour === this.#hour) return;
		for (const [key, n] of this.#counts) {
			if (n > this.#limit) this.#log(`detect: ${key}: ${n - this.#limit} violation events suppressed in the hour from ${iso(this.#hour)} (cap ${this.#limit} per hour)`);
		}
		this.#counts.clear();
		this.#hour = hour;
	}
}

function iso(hour: number): string {
	return new Date(hour * HOUR_MS).toISOString();
}
