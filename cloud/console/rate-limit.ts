/*
 * rate-limit — failed console logins per client address: after `max` failures inside `windowMs` the
 * address is refused until the oldest of them leaves the window. Bounded: at most `maxAddresses` are
 * tracked (the stalest is forgotten first).
 */

export class LoginLimiter {
	readonly #failures = new Map<string, number[]>();
	readonly #max: number;
	readonly #windowMs: number;
	readonly #maxAddresses: number;

	constructor(max = 5, windowMs = 60_000, maxAddresses = 10_000) {
		this.#max = max;
		this.#windowMs = windowMs;
		this.#maxAddresses = maxAddresses;
	}

	/** Milliseconds until `address` may try again; 0 when it may now. */
	retryAfter(address: string, now: number): number {
		const times = this.#recent(address, now);
		return times.length < this.#max ? 0 : times[0] + this.#windowMs - now;
	}

	failed(address: string, now: number): void {
		const times = this.#recent(address, now);
		times.push(now);
		this.#failures.delete(address);
		this.#failures.set(address, times);
		if (this.#failures.size > this.#maxAddresses) {
			const stalest = this.#failures.keys().next().value;
			if (stalest !== undefined) this.#failures.delete(stalest);
		}
	}

	succeeded(address: string): void {
		this.#failures.delete(address);
	}

	#recent(address: string, now: number): number[] {
		const times = (this.#failures.get(address) ?? []).filter((t) => now - t < this.#windowMs);
		if (times.length === 0) this.#failures.delete(address);
		else this.#failures.set(address, times);
		return times;
	}
}
