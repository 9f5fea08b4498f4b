/*
 * sampler — turns the network driver's monotonic counters into deltas kept in a fixed ring.
 *
 * Each poll reads the four driver counters and records one sample: the traffic since the previous
 * poll. Counters are subtracted modulo 2^counterBits (32-bit lwIP counters wrap). A change of the
 * driver generation means the counters restarted from 0, so the delta is the new raw value. The
 * first poll counts everything since the driver's start (counters start at 0 at boot, so that is
 * real traffic, not a cumulative spike). When the ring is full the oldest sample is folded into an
 * accumulator, never dropped. `pending` is folded + ring; `acknowledge` removes what an accepted
 * report carried. Storage is preallocated Float64Array columns: poll and acknowledge allocate nothing.
 */
import { COUNTERS } from "../netdriver/netdriver";
import type { NetDriver } from "../netdriver/netdriver";

export interface NetStats {
	bytesIn: number;
	bytesOut: number;
	packetsIn: number;
	packetsOut: number;
}

/** A NetStats of zeros. */
export function newNetStats(): NetStats {
	return { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 };
}

export type SamplerErrorCode = "BadCapacity" | "BadCounterBits" | "BadCounterValue" | "BadAcknowledge" | "AcknowledgeExceedsPending" | "BadIndex";

export class SamplerError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "SamplerError";
	readonly code: SamplerErrorCode;
	constructor(code: SamplerErrorCode, message: string) {
		super(`${code}: ${message}`);
		this.code = code;
	}
}

export interface SamplerOptions {
	driver: NetDriver;
	/** Samples in the ring, default 32, at least 2. */
	capacity?: number;
}

const NO_GENERATION = NaN;

export class Sampler {
	readonly capacity: number;
	#driver: NetDriver;
	#modulus: number;
	#time: Float64Array;
	#deltas: Float64Array[];
	#head = 0;
	#size = 0;
	#folded = new Float64Array(COUNTERS);
	#total = new Float64Array(COUNTERS);
	#prev = new Float64Array(COUNTERS);
	#raw = new Float64Array(COUNTERS);
	#ack = new Float64Array(COUNTERS);
	#generation = NO_GENERATION;

	constructor(options: SamplerOptions) {
		const capacity = options.capacity ?? 32;
		if (!Number.isInteger(capacity) || capacity < 2) throw new SamplerError("BadCapacity", `capacity must be an integer >= 2, got ${capacity}`);
		const bits = options.driver.counterBits;
		if (!Number.isInteger(bits) || bits < 1 || bits > 53) throw new SamplerError("BadCounterBits", `driver counterBits must be an integer in 1..53, got ${bits}`);
		this.capacity = capacity;
		this.#driver = options.driver;
		this.#modulus = 2 ** bits;
		this.#time = new Float64Array(capacity);
		this.#deltas = [];
		for (let c = 0; c < COUNTERS; c++) this.#deltas.push(new Float64Array(capacity));
	}

	/** Samples currently in the ring (not counting what was folded). */
	get size(): number {
		return this.#size;
	}

	/** Reads the driver's counters and records one sample of deltas stamped `now`. */
	poll(now: number): void {
		const raw = this.#raw;
		const generation = this.#driver.read(raw);
		this.#checkRaw();
		const restarted = generation !== this.#generation;
		const slot = this.#claimSlot();
		const prev = this.#prev;
		const total = this.#total;
		const deltas = this.#deltas;
		const modulus = this.#modulus;
		this.#time[slot] = now;
		for (let c = 0; c < COUNTERS; c++) {
			let delta = restarted ? raw[c] : raw[c] - prev[c];
			if (delta < 0) delta += modulus;
			deltas[c][slot] = delta;
			total[c] += delta;
			prev[c] = raw[c];
		}
		this.#generation = generation;
	}

	/** Fills `out` with all recorded traffic not yet acknowledged and returns it. */
	pending(out: NetStats): NetStats {
		const t = this.#total;
		out.bytesIn = t[0];
		out.bytesOut = t[1];
		out.packetsIn = t[2];
		out.packetsOut = t[3];
		return out;
	}

	/**
	 * Removes what an accepted report carried: from the folded accumulator first, then from the
	 * oldest samples. Leading samples left empty are released. Throws (changing nothing) when a
	 * value is not a non-negative integer or exceeds what is pending.
	 */
	acknowledge(stats: NetStats): void {
		const ack = this.#ack;
		ack[0] = stats.bytesIn;
		ack[1] = stats.bytesOut;
		ack[2] = stats.packetsIn;
		ack[3] = stats.packetsOut;
		for (let c = 0; c < COUNTERS; c++) {
			if (!Number.isSafeInteger(ack[c]) || ack[c] < 0) throw new SamplerError("BadAcknowledge", `acknowledged values must be non-negative integers, got ${ack[c]} at counter ${c}`);
			if (ack[c] > this.#total[c]) throw new SamplerError("AcknowledgeExceedsPending", `acknowledged ${ack[c]} but only ${this.#total[c]} pending at counter ${c}`);
		}
		for (let c = 0; c < COUNTERS; c++) this.#consume(c, ack[c]);
		this.#releaseEmpty();
	}

	/** Copies the i-th oldest sample's deltas into `out` and returns its time. */
	sampleAt(i: number, out: NetStats): number {
		if (!Number.isInteger(i) || i < 0 || i >= this.#size) throw new SamplerError("BadIndex", `sample index ${i} outside 0..${this.#size - 1}`);
		const slot = (this.#head + i) % this.capacity;
		const d = this.#deltas;
		out.bytesIn = d[0][slot];
		out.bytesOut = d[1][slot];
		out.packetsIn = d[2][slot];
		out.packetsOut = d[3][slot];
		return this.#time[slot];
	}

	#checkRaw(): void {
		const raw = this.#raw;
		const modulus = this.#modulus;
		for (let c = 0; c < COUNTERS; c++) {
			const v = raw[c];
			if (!(v >= 0 && v < modulus && Math.floor(v) === v)) throw new SamplerError("BadCounterValue", `driver counter ${c} is ${v}, outside 0..2^bits-1`);
		}
	}

	/** Returns the slot for a new sample, folding the oldest one into the accumulator if full. */
	#claimSlot(): number {
		if (this.#size < this.capacity) return (this.#head + this.#size++) % this.capacity;
		const slot = this.#head;
		for (let c = 0; c < COUNTERS; c++) this.#folded[c] += this.#deltas[c][slot];
		this.#head = (slot + 1) % this.capacity;
		return slot;
	}

	#consume(c: number, amount: number): void {
		this.#total[c] -= amount;
		const fromFolded = Math.min(amount, this.#folded[c]);
		this.#folded[c] -= fromFolded;
		let left = amount - fromFolded;
		const column = this.#deltas[c];
		for (let i = 0; left > 0 && i < this.#size; i++) {
			const slot = (this.#head + i) % this.capacity;
			const take = Math.min(left, column[slot]);
			column[slot] -= take;
			left -= take;
		}
	}

	#releaseEmpty(): void {
		const d = this.#deltas;
		while (this.#size > 0) {
			const s = this.#head;
			if (d[0][s] + d[1][s] + d[2][s] + d[3][s] !== 0) return;
			this.#head = (s + 1) % this.capacity;
			this.#size--;
		}
	}
}
