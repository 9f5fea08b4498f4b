/*
 * clock — the real-time Clock used when startCloud() is given none. All cloud time goes through a Clock
 * (modules/platform/platform.ts) so tests and the walkthrough can run on virtual time.
 */
import type { Clock, TimerHandle } from "../modules/platform/platform";

export type { Clock, TimerHandle };

export const realClock: Clock = {
	now: () => Date.now(),
	ticks: () => performance.now(),
	set: (callback, ms) => {
		const t = setTimeout(callback, ms);
		t.unref();
		return t;
	},
	clear: (handle) => {
		if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout);
	},
};
