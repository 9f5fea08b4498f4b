/*
 * VirtualClock.settle and the `immediate` run option: virtual time stands still while work is in
 * flight, zero-delay timers queued by real I/O fire at the current instant, and a hold that never
 * ends is reported instead of waited out silently.
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../hardware/host/virtual-clock";

/** Real I/O stand-in: `done` becomes true a few real ms from now, through a zero-delay virtual timer. */
function replyLater(clock: VirtualClock, realMs: number): { done: boolean; firedAt: number } {
	const state = { done: false, firedAt: -1 };
	setTimeout(() => clock.set(() => {
		state.done = true;
		state.firedAt = clock.ticks();
	}, 0), realMs);
	return state;
}

describe("virtual clock settle", () => {
	it("with immediate, fires the zero-delay work real I/O queued and ends the hold without moving time", async () => {
		const clock = new VirtualClock();
		clock.advance(7000);
		const reply = replyLater(clock, 5);
		expect(await clock.settle({ hold: () => !reply.done, immediate: true, maxHoldMs: 2000 })).toBe(true);
		expect(reply).toEqual({ done: true, firedAt: 7000 });
		expect(clock.ticks()).toBe(7000);
	});

	it("without immediate, a zero-delay timer waits for time to move: the hold runs out and settle says so", async () => {
		const clock = new VirtualClock();
		const reply = replyLater(clock, 1);
		expect(await clock.settle({ hold: () => !reply.done, maxHoldMs: 30 })).toBe(false);
		expect(reply.done).toBe(false);
		clock.advance(0);
		expect(reply.done).toBe(true);
	});

	it("reports a hold that never ends once maxHoldMs of real time has passed", async () => {
		const clock = new VirtualClock();
		expect(await clock.settle({ hold: () => true, immediate: true, maxHoldMs: 20 })).toBe(false);
		expect(clock.ticks()).toBe(0);
		expect(await clock.settle()).toBe(true);
		expect(await clock.settle({ immediate: true })).toBe(true);
	});

	it("runFor with immediate holds each step until the work in flight is done", async () => {
		const clock = new VirtualClock();
		const seen: number[] = [];
		let reply = { done: true, firedAt: -1 };
		const tick = () => {
			seen.push(clock.ticks());
			reply = replyLater(clock, 2);
			clock.set(tick, 1000);
		};
		clock.set(tick, 1000);
		await clock.runFor(3000, { step: 1000, realMs: 0, hold: () => !reply.done, immediate: true, maxHoldMs: 2000 });
		expect(seen).toEqual([1000, 2000, 3000]);
		expect(clock.ticks()).toBe(3000);
		expect(await clock.settle({ hold: () => !reply.done, immediate: true, maxHoldMs: 2000 })).toBe(true);
		expect(reply.firedAt).toBe(3000);
	});
});
