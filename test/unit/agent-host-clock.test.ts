import { describe, expect, it } from "vitest";
import { VirtualClock, pause } from "../../hardware/host/virtual-clock";

describe("virtual clock", () => {
	it("fires due timers in due order, reading the due time inside each callback", () => {
		const c = new VirtualClock(1000);
		const seen: string[] = [];
		c.set(() => seen.push(`b@${c.ticks()}`), 20);
		c.set(() => seen.push(`a@${c.ticks()}/${c.now()}`), 10);
		c.set(() => seen.push(`c@${c.ticks()}`), 20);
		c.advance(15);
		expect(seen).toEqual(["a@10/1010"]);
		c.advance(100);
		expect(seen).toEqual(["a@10/1010", "b@20", "c@20"]);
		expect(c.ticks()).toBe(115);
	});

	it("marks the timers due at one instant before firing: a 0 ms timer set while firing waits for the next pass", () => {
		const c = new VirtualClock();
		const seen: string[] = [];
		c.set(() => {
			seen.push("first");
			c.set(() => seen.push("zero"), 0);
		}, 5);
		c.set(() => seen.push("second"), 5);
		c.advance(5);
		expect(seen).toEqual(["first", "second", "zero"]);
	});

	it("a timer cleared by an earlier callback at the same instant does not fire", () => {
		const c = new VirtualClock();
		const seen: string[] = [];
		let h: unknown;
		c.set(() => c.clear(h), 5);
		h = c.set(() => seen.push("cleared"), 5);
		c.set(() => seen.push("kept"), 5);
		c.advance(10);
		expect(seen).toEqual(["kept"]);
		c.clear(undefined);
		c.clear(h);
		expect(c.pending).toBe(0);
	});

	it("treats negative and NaN delays as 0 and refuses to go back in time", () => {
		const c = new VirtualClock();
		let n = 0;
		c.set(() => n++, -5);
		c.set(() => n++, Number.NaN);
		c.advance(0);
		expect(n).toBe(2);
		expect(() => c.advance(-1)).toThrow(RangeError);
	});

	it("setWall moves now() but not ticks()", () => {
		const c = new VirtualClock(5_000);
		c.advance(100);
		c.setWall(0);
		expect([c.now(), c.ticks()]).toEqual([0, 100]);
		c.advance(50);
		expect(c.now()).toBe(50);
		expect(new VirtualClock().now()).toBe(Date.UTC(2026, 0, 1));
	});

	it("runFor and runUntil interleave real I/O while virtual time passes", async () => {
		const c = new VirtualClock();
		let real = 0;
		const interval = setInterval(() => real++, 1);
		let fired = 0;
		const tick = () => {
			fired++;
			c.set(tick, 1000);
		};
		c.set(tick, 1000);
		await c.runFor(60_000, { step: 1000, realMs: 2 });
		clearInterval(interval);
		expect(fired).toBe(60);
		expect(real).toBeGreaterThan(0);
		await c.runUntil(() => fired >= 65, 10_000);
		expect(fired).toBe(65);
		await expect(c.runUntil(() => false, 500, { step: 250, realMs: 0 })).rejects.toThrow(/within 500/);
		await pause(0);
	});

	it("hold keeps virtual time still while real work is pending, for at most maxHoldMs", async () => {
		const c = new VirtualClock();
		let busy = true;
		setTimeout(() => (busy = false), 30);
		await c.runFor(100, { step: 100, hold: () => busy });
		expect(busy).toBe(false);
		expect(c.ticks()).toBe(100);
		let asked = 0;
		await c.runFor(200, { step: 100, realMs: 0, hold: () => ++asked > 0, maxHoldMs: 20 });
		expect(asked).toBeGreaterThan(2);
		expect(c.ticks()).toBe(300);
	});
});
