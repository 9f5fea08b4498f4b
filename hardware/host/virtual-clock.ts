/*
 * virtual-clock — a Clock whose time only moves when told to, so minutes of firmware time pass in
 * milliseconds. advance(ms) fires due timers in order: due-ness is a signed difference, the timers
 * due at one instant are marked first and then fired (a timer set while firing waits for the next
 * pass), and now()/ticks() read the timer's due time inside its callback. runFor() interleaves real
 * I/O between steps so real sockets keep working while virtual time passes; with `immediate` it
 * holds virtual time only while work is in flight, without real sleeps. The wall clock can be
 * set or stepped back independently of ticks, like a device whose RTC is unset or corrected.
 */
import type { Clock, TimerHandle } from "../../modules/platform/platform";

interface Timer {
	due: number;
	seq: number;
	callback: () => void;
	cancelled: boolean;
}

export interface RunOptions {
	/** Virtual ms per step, default 100. */
	step?: number;
	/** Real ms to wait between steps (after a setImmediate), default 1. */
	realMs?: number;
	/**
	 * While this returns true (e.g. a TLS handshake or a reply is on its way), virtual time stands
	 * still and only real time passes, up to `maxHoldMs` of real time per step (default 1000).
	 */
	hold?: () => boolean;
	maxHoldMs?: number;
	/**
	 * Settle without real sleeps: while holding, yield one setImmediate turn at a time (I/O is
	 * polled on each) and fire the timers already due, e.g. the zero-delay work an I/O callback
	 * queued, without moving time — so a hold ends as soon as the work in flight is done. Pair it
	 * with realMs 0. Default false.
	 */
	immediate?: boolean;
}

export class VirtualClock implements Clock {
	#ticks = 0;
	#wallOffset: number;
	#seq = 0;
	#timers: Timer[] = [];

	/** `wall` is the epoch ms now() reads at ticks 0 (default 2026-01-01T00:00:00Z). */
	constructor(wall = Date.UTC(2026, 0, 1)) {
		this.#wallOffset = wall;
	}

	now(): number {
		return this.#wallOffset + this.#ticks;
	}

	ticks(): number {
		return this.#ticks;
	}

	/** Sets the wall clock (e.g. back in time, or to 0 for an unset RTC); ticks are unchanged. */
	setWall(epochMs: number): void {
		this.#wallOffset = epochMs - this.#ticks;
	}

	set(callback: () => void, ms: number): TimerHandle {
		const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
		const timer: Timer = { due: this.#ticks + delay, seq: this.#seq++, callback, cancelled: false };
		this.#timers.push(timer);
		return timer;
	}

	clear(handle: TimerHandle | undefined): void {
		if (handle === undefined) return;
		const timer = handle as Timer;
		timer.cancelled = true;
		const i = this.#timers.indexOf(timer);
		if (i >= 0) this.#timers.splice(i, 1);
	}

	/** Timers waiting to fire. */
	get pending(): number {
		return this.#timers.length;
	}

	/** Moves time forward by `ms`, firing every timer that falls due, in due order. */
	advance(ms: number): void {
		if (!(ms >= 0)) throw new RangeError(`advance needs a non-negative number of ms, got ${ms}`);
		const target = this.#ticks + ms;
		for (let next = this.#earliest(target); next !== undefined; next = this.#earliest(target)) {
			this.#ticks = next.due;
			const due = this.#timers.filter((t) => t.due - this.#ticks <= 0).sort(order);
			this.#timers = this.#timers.filter((t) => !due.includes(t));
			for (const t of due) if (!t.cancelled) t.callback();
		}
		this.#ticks = target;
	}

	/** Advances `ms` of virtual time in steps, yielding to real I/O between steps. */
	async runFor(ms: number, options: RunOptions = {}): Promise<void> {
		const step = options.step ?? 100;
		const realMs = options.realMs ?? 1;
		for (let left = ms; left > 0; left -= step) {
			await this.#settle(options, realMs);
			this.advance(Math.min(step, left));
			await pause(realMs);
		}
	}

	/**
	 * Waits in real time, virtual time standing still, while `options.hold` is true (up to
	 * `maxHoldMs`). Returns false when it gave up at that limit.
	 */
	async settle(options: RunOptions = {}): Promise<boolean> {
		await this.#settle(options, options.realMs ?? 1);
		return !options.hold?.();
	}

	/** Steps like runFor until `done()` is true; throws after `maxMs` of virtual time. */
	async runUntil(done: () => boolean, maxMs: number, options: RunOptions = {}): Promise<void> {
		const step = options.step ?? 100;
		for (let spent = 0; !done(); spent += step) {
			if (spent >= maxMs) throw new Error(`condition not met within ${maxMs} virtual ms`);
			await this.runFor(step, options);
		}
	}

	async #settle(options: RunOptions, realMs: number): Promise<void> {
		if (!options.immediate) return settle(options, realMs);
		const hold = options.hold;
		if (hold === undefined) return;
		const deadline = Date.now() + (options.maxHoldMs ?? 1000);
		while (hold() && Date.now() < deadline) {
			await pause(0);
			this.advance(0);
		}
	}

	#earliest(target: number): Timer | undefined {
		let best: Timer | undefined;
		for (const t of this.#timers) if (t.due - target <= 0 && (best === undefined || order(t, best) < 0)) best = t;
		return best;
	}
}

function order(a: Timer, b: Timer): number {
	return a.due - b.due || a.seq - b.seq;
}

async function settle(options: RunOptions, realMs: number): Promise<void> {
	if (options.hold === undefined) return;
	const deadline = Date.now() + (options.maxHoldMs ?? 1000);
	while (options.hold() && Date.now() < deadline) await pause(Math.max(1, realMs));
}

/** Lets pending real I/O run: one setImmediate turn, then `ms` of real time. */
export function pause(ms: number): Promise<void> {
	return new Promise((resolve) => setImmediate(() => (ms > 0 ? setTimeout(resolve, ms) : resolve())));
}
