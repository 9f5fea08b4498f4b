import { describe, expect, it } from "vitest";
import { newNetStats, Sampler, SamplerError } from "../../modules/sampler/sampler";
import type { NetStats } from "../../modules/sampler/sampler";
import { ScriptedDriver } from "../fixtures/scripted-driver";

function stats(bytesIn: number, bytesOut: number, packetsIn: number, packetsOut: number): NetStats {
	return { bytesIn, bytesOut, packetsIn, packetsOut };
}

function pending(s: Sampler): NetStats {
	return s.pending(newNetStats());
}

function code(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(SamplerError);
		return (e as SamplerError).code;
	}
	return undefined;
}

describe("sampler deltas", () => {
	it("newNetStats is zeros", () => {
		expect(newNetStats()).toEqual(stats(0, 0, 0, 0));
	});

	it("counts traffic since the driver started at the first poll (baseline is 0, not the first reading)", () => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d });
		d.add(1500, 300, 4, 3);
		s.poll(10);
		expect(pending(s)).toEqual(stats(1500, 300, 4, 3));
		expect(s.size).toBe(1);
		const out = newNetStats();
		expect(s.sampleAt(0, out)).toBe(10);
		expect(out).toEqual(stats(1500, 300, 4, 3));
	});

	it("records the difference between polls", () => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d });
		d.add(100);
		s.poll(1);
		d.add(50, 5);
		s.poll(2);
		const out = newNetStats();
		expect(s.sampleAt(1, out)).toBe(2);
		expect(out).toEqual(stats(50, 5, 0, 0));
		expect(pending(s)).toEqual(stats(150, 5, 0, 0));
	});

	it("survives a 32-bit wrap: the delta is taken modulo 2^32", () => {
		const d = new ScriptedDriver(32);
		const s = new Sampler({ driver: d });
		d.add(4294967000);
		s.poll(1);
		d.add(1000);
		expect(d.counters[0]).toBe(704);
		s.poll(2);
		const out = newNetStats();
		s.sampleAt(1, out);
		expect(out.bytesIn).toBe(1000);
	});

	it("takes a 53-bit driver's counters by plain subtraction", () => {
		const d = new ScriptedDriver(53);
		const s = new Sampler({ driver: d });
		d.add(2 ** 40);
		s.poll(1);
		d.add(2 ** 35);
		s.poll(2);
		expect(pending(s).bytesIn).toBe(2 ** 40 + 2 ** 35);
	});

	it("after a generation change the delta is the new raw value, never negative nor doubled", () => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d });
		d.add(1000, 1000, 10, 10);
		s.poll(1);
		d.restart();
		d.add(40, 30, 2, 1);
		s.poll(2);
		const out = newNetStats();
		s.sampleAt(1, out);
		expect(out).toEqual(stats(40, 30, 2, 1));
		expect(pending(s)).toEqual(stats(1040, 1030, 12, 11));
	});

	it("folds the oldest sample when the ring is full instead of dropping it", () => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d, capacity: 2 });
		for (let t = 1; t <= 5; t++) {
			d.add(t);
			s.poll(t);
		}
		expect(s.size).toBe(2);
		expect(s.capacity).toBe(2);
		const out = newNetStats();
		expect(s.sampleAt(0, out)).toBe(4);
		expect(out.bytesIn).toBe(4);
		expect(pending(s).bytesIn).toBe(15);
	});

	it("acknowledge takes from the folded part first, then the oldest samples, and releases emptied samples", () => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d, capacity: 2 });
		for (const n of [10, 20, 30]) {
			d.add(n, n);
			s.poll(n);
		}
		s.acknowledge(stats(25, 10, 0, 0));
		expect(pending(s)).toEqual(stats(35, 50, 0, 0));
		expect(s.size).toBe(2);
		s.acknowledge(stats(5, 20, 0, 0));
		expect(s.size).toBe(1);
		const out = newNetStats();
		expect(s.sampleAt(0, out)).toBe(30);
		expect(out).toEqual(stats(30, 30, 0, 0));
		s.acknowledge(pending(s));
		expect(s.size).toBe(0);
		expect(pending(s)).toEqual(stats(0, 0, 0, 0));
	});

	it("keeps a sample still carrying any counter after acknowledge", () => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d });
		d.add(10, 0, 0, 1);
		s.poll(1);
		s.acknowledge(stats(10, 0, 0, 0));
		expect(s.size).toBe(1);
	});
});

describe("sampler refuses bad input", () => {
	it.each([0, 1, 2.5, NaN])("capacity %s", (capacity) => {
		expect(code(() => new Sampler({ driver: new ScriptedDriver(), capacity }))).toBe("BadCapacity");
	});

	it.each([0, 54, 31.5])("driver counterBits %s", (bits) => {
		expect(code(() => new Sampler({ driver: new ScriptedDriver(bits) }))).toBe("BadCounterBits");
	});

	it.each([-1, 2 ** 32, 1.5, NaN])("driver counter value %s outside 0..2^32-1, leaving state untouched", (v) => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d });
		d.add(5);
		s.poll(1);
		d.counters[2] = v;
		expect(code(() => s.poll(2))).toBe("BadCounterValue");
		expect(s.size).toBe(1);
		expect(pending(s)).toEqual(stats(5, 0, 0, 0));
	});

	it("acknowledging more than pending, leaving state untouched", () => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d });
		d.add(5, 5, 5, 5);
		s.poll(1);
		const e = (() => {
			try {
				s.acknowledge(stats(5, 5, 5, 6));
			} catch (err) {
				return err as SamplerError;
			}
		})();
		expect(e?.code).toBe("AcknowledgeExceedsPending");
		expect(e?.message).toMatch(/acknowledged 6 but only 5 pending/);
		expect(pending(s)).toEqual(stats(5, 5, 5, 5));
	});

	it.each([-1, 0.5, NaN, Infinity])("acknowledging %s", (v) => {
		const s = new Sampler({ driver: new ScriptedDriver() });
		expect(code(() => s.acknowledge(stats(0, v, 0, 0)))).toBe("BadAcknowledge");
	});

	it.each([-1, 1, 0.5])("sampleAt index %s outside the ring", (i) => {
		const d = new ScriptedDriver();
		const s = new Sampler({ driver: d });
		s.poll(1);
		expect(code(() => s.sampleAt(i, newNetStats()))).toBe("BadIndex");
	});
});
