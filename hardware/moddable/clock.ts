/*
 * clock — the platform Clock on Moddable: wall time from Date.now(), monotonic ticks from
 * Time.ticks (unwrapped: it is a 32-bit millisecond counter on microcontrollers) and one-shot
 * timers from the "timer" module. Nothing is allocated per call. The handle is cast to whatever
 * Timer.clear takes, so this compiles against our types/timer.d.ts and the SDK's own typings alike.
 */
import Time from "time";
import Timer from "timer";
import type { Clock, TimerHandle } from "../../modules/platform/platform";

const WRAP = 2 ** 32;

export class ModdableClock implements Clock {
	#last = 0;
	#offset = 0;

	now(): number {
		return Date.now();
	}

	ticks(): number {
		const t = Time.ticks;
		if (t < this.#last) this.#offset += WRAP;
		this.#last = t;
		return t + this.#offset;
	}

	set(callback: () => void, ms: number): TimerHandle {
		return Timer.set(callback, ms);
	}

	clear(handle: TimerHandle | undefined): void {
		Timer.clear(handle as Parameters<typeof Timer.clear>[0]);
	}
}
