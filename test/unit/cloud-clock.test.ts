/* The real-time default Clock of the cloud. */
import { describe, expect, it } from "vitest";
import { realClock } from "../../cloud/clock";

describe("cloud real clock", () => {
	it("reads wall and monotonic time and fires or cancels one-shot timers", async () => {
		expect(Math.abs(realClock.now() - Date.now())).toBeLessThan(1000);
		const t0 = realClock.ticks();
		let fired = 0;
		const cancelled = realClock.set(() => fired--, 1);
		realClock.clear(cancelled);
		realClock.clear(undefined);
		await new Promise<void>((resolve) => realClock.set(() => resolve(void fired++), 1));
		expect(fired).toBe(1);
		expect(realClock.ticks()).toBeGreaterThanOrEqual(t0);
	});
});
