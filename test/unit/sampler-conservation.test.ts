import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { newNetStats, Sampler } from "../../modules/sampler/sampler";
import { ScriptedDriver } from "../fixtures/scripted-driver";

type Command = { kind: "traffic"; add: number[] } | { kind: "poll" } | { kind: "restart" } | { kind: "ack"; fraction: number };

const counterArb = (bits: number) => fc.integer({ min: 0, max: Math.floor(Math.min(2 ** bits - 1, 2 ** 44) / 2) });
const commandArb = (bits: number): fc.Arbitrary<Command> =>
	fc.oneof(
		{ weight: 4, arbitrary: fc.array(counterArb(bits), { minLength: 4, maxLength: 4 }).map((add) => ({ kind: "traffic" as const, add })) },
		{ weight: 4, arbitrary: fc.constant({ kind: "poll" as const }) },
		{ weight: 1, arbitrary: fc.constant({ kind: "restart" as const }) },
		{ weight: 2, arbitrary: fc.integer({ min: 0, max: 100 }).map((percent) => ({ kind: "ack" as const, fraction: percent / 100 })) },
	);

const FIELDS = ["bytesIn", "bytesOut", "packetsIn", "packetsOut"] as const;

/** The ring as the rules describe it: samples oldest first, a folded accumulator, acks oldest first. */
class ReferenceRing {
	samples: { time: number; d: number[] }[] = [];
	folded = [0, 0, 0, 0];
	constructor(readonly capacity: number) {}

	record(time: number, d: number[]): void {
		if (this.samples.length === this.capacity) this.samples.shift()!.d.forEach((v, c) => (this.folded[c] += v));
		this.samples.push({ time, d: [...d] });
	}

	acknowledge(ack: number[]): void {
		ack.forEach((amount, c) => {
			const fromFolded = Math.min(amount, this.folded[c]);
			this.folded[c] -= fromFolded;
			let left = amount - fromFolded;
			for (const s of this.samples) {
				const take = Math.min(left, s.d[c]);
				s.d[c] -= take;
				left -= take;
			}
		});
		while (this.samples.length > 0 && this.samples[0].d.every((v) => v === 0)) this.samples.shift();
	}
}

/** Runs commands; traffic that a restart makes unknowable (counted but never polled) is tracked as lost. */
function run(bits: number, capacity: number, commands: Command[]): void {
	const d = new ScriptedDriver(bits);
	const s = new Sampler({ driver: d, capacity });
	const reference = new ReferenceRing(capacity);
	const acked = [0, 0, 0, 0];
	const lost = [0, 0, 0, 0];
	const unpolled = [0, 0, 0, 0];
	const limit = 2 ** bits;
	let time = 0;
	const poll = () => {
		s.poll(++time);
		reference.record(time, unpolled);
		unpolled.fill(0);
	};
	for (const c of commands) {
		if (c.kind === "traffic") {
			if (c.add.some((a, i) => unpolled[i] + a >= limit)) poll();
			d.add(c.add[0], c.add[1], c.add[2], c.add[3]);
			c.add.forEach((a, i) => (unpolled[i] += a));
		} else if (c.kind === "poll") poll();
		else if (c.kind === "restart") {
			unpolled.forEach((u, i) => (lost[i] += u));
			unpolled.fill(0);
			d.restart();
		} else {
			const p = s.pending(newNetStats());
			const ack = { bytesIn: Math.floor(p.bytesIn * c.fraction), bytesOut: Math.floor(p.bytesOut * c.fraction), packetsIn: Math.floor(p.packetsIn * c.fraction), packetsOut: Math.floor(p.packetsOut * c.fraction) };
			s.acknowledge(ack);
			reference.acknowledge(FIELDS.map((f) => ack[f]));
			FIELDS.forEach((f, i) => (acked[i] += ack[f]));
		}
		const p = s.pending(newNetStats());
		const sampled = [0, 0, 0, 0];
		const one = newNetStats();
		expect(s.size).toBeLessThanOrEqual(capacity);
		expect(s.size).toBe(reference.samples.length);
		for (let i = 0; i < s.size; i++) {
			expect(s.sampleAt(i, one)).toBe(reference.samples[i].time);
			expect(FIELDS.map((f) => one[f])).toEqual(reference.samples[i].d);
			FIELDS.forEach((f, k) => {
				expect(one[f]).toBeGreaterThanOrEqual(0);
				sampled[k] += one[f];
			});
		}
		FIELDS.forEach((f, i) => {
			expect(p[f]).toBeGreaterThanOrEqual(0);
			expect(sampled[i]).toBeLessThanOrEqual(p[f]);
			expect(acked[i] + p[f]).toBe(d.counted[i] - lost[i] - unpolled[i]);
		});
	}
}

describe("sampler conservation, against a reference ring", () => {
	it("acknowledged + pending equals all polled traffic across wraps, restarts, overflows and acks (32-bit)", () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 6 }), fc.array(commandArb(32), { maxLength: 80 }), (capacity, commands) => run(32, capacity, commands)),
			{ numRuns: 300 },
		);
	});

	it("the same holds for narrow (8-bit) counters that wrap often", () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 4 }), fc.array(commandArb(8), { maxLength: 80 }), (capacity, commands) => run(8, capacity, commands)),
			{ numRuns: 300 },
		);
	});

	it("and for 53-bit counters", () => {
		fc.assert(
			fc.property(fc.array(commandArb(53), { maxLength: 40 }), (commands) => run(53, 3, commands)),
			{ numRuns: 100 },
		);
	});
});
