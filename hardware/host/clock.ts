/*
 * clock — the real-time Clock for Node: wall time from Date.now, monotonic ticks from
 * performance.now, one-shot timers from setTimeout (unref'd only if asked, so a running client keeps
 * the process alive by default).
 */
import { performance } from "node:perf_hooks";
import type { Clock, TimerHandle } from "../../modules/platform/platform";

export function realClock(options: { unref?: boolean } = {}): Clock {
	return {
		now: () => Date.now(),
		ticks: () => performance.now(),
		set(callback: () => void, ms: number): TimerHandle {
			const t = setTimeout(callback, Math.max(0, ms));
			if (options.unref) t.unref();
			return t;
		},
		clear(handle: TimerHandle | undefined): void {
			if (handle !== undefined) clearTimeout(handle as ReturnType<typeof setTimeout>);
		},
	};
}
