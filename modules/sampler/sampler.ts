/*
 * sampler — turns the network driver's monotonic counters into deltas kept in a fixed ring.
 *
 * Each poll reads the four driver counters and records one sample: the traffic since the previous
 * poll. Counters are subtracted modulo 2^counterBits (32-bit lwIP counters wrap). A change of the
 * driver generation means the counters restarted from 0, so the delta is the new raw value. The
 * first poll counts everything since the driver's start (counters start at 0 at boot, so that is
 * real traffic, not a cumulative spike). When the ring is full the oldest sample is folded into an
 * accumulator, never dropped. `pending` is folded + ring; `acknowledge` removes what an accepted
 * report carried. Storage is preallocated (one Float64Array of columns): poll and acknowledge allocate nothing.
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

/*
 * All columns share one Float64Array (two typed arrays in all, with the driver's `raw`: each typed
 * array costs live slots on XS). With capacity n, the cells hold:
 *   [0, n)                  the time of each ring slot
 *   [n·(1+c), n·(2+c))      the deltas of counter c (c < COUNTERS) per ring slot
 *   then COUNTERS cells each of FOLDED, TOTAL, PREV and ACK (offsets from rowsEnd = n·(1+COUNTERS)).
 */
const FOLDED = 0;
const TOTAL = COUNTERS;
const PREV = 2 * COUNTERS;
const ACK = 3 * COUNTERS;
const ACCUMULATORS = 4 * COUNTERS;

export class Sampler {
	readonly capacity: number;
	#driver: NetDriver;
	#modulus: number;
	#cells: Float64Array;
	/** Index of the first accumulator cell (FOLDED + c, TOTAL + c, … are relative to it). */
	#acc: number;
	#raw = new Float64Array(COUNTERS);
	#head = 0;
	#size = 0;
	#generation = NO_GENERATION;

	constructor(options: SamplerOptions) {
		const capacity = options.capacity ?? 32;
		if (!Number.isInteger(capacity) || capacity < 2) throw new SamplerError("BadCapacity", `capacity must be an integer >= 2, got ${capacity}`);
		const bits = options.driver.counterBits;
		if (!Number.isInteger(bits) || bits < 1 || bits > 53) throw new SamplerError("BadCounterBits", `driver counterBits must be an integer in 1..53, got ${bits}`);
		this.capacity = capacity;
		this.#driver = options.driver;
		this.#modulus = 2 ** bits;
		this.#acc = capacity * (1 + COUNTERS);
		this.#cells = new Float64Array(this.#acc + ACCUMULATORS);
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
		const cells = this.#cells;
		const n = this.capacity;
		const acc = this.#acc;
		const modulus = this.#modulus;
		cells[slot] = now;
		for (let c = 0; c < COUNTERS; c++) {
			let delta = restarted ? raw[c] : raw[c] - cells[acc + PREV + c];
			if (delta < 0) delta += modulus;
			cells[n * (1 + c) + slot] = delta;
			cells[acc + TOTAL + c] += delta;
			cells[acc + PREV + c] = raw[c];
		}
		this.#generation = generation;
	}

	/** Fills `out` with all recorded traffic not yet acknowledged and returns it. */
	pending(out: NetStats): NetStats {
		const cells = this.#cells;
		const t = this.#acc + TOTAL;
		out.bytesIn = cells[t];
		out.bytesOut = cells[t + 1];
		out.packetsIn = cells[t + 2];
		out.packetsOut = cells[t + 3];
		return out;
	}

	/**
	 * Removes what an accepted report carried: from the folded accumulator first, then from the
	 * oldest samples. Leading samples left empty are released. Throws (changing nothing) when a
	 * value is not a non-negative integer or exceeds what is pending.
	 */
	acknowledge(stats: NetStats): void {
		const cells = this.#cells;
		const ack = this.#acc + ACK;
		const total = this.#acc + TOTAL;
		cells[ack] = stats.bytesIn;
		cells[ack + 1] = stats.bytesOut;
		cells[ack + 2] = stats.packetsIn;
		cells[ack + 3] = stats.packetsOut;
		for (let c = 0; c < COUNTERS; c++) {
			const v = cells[ack + c];
			if (!Number.isSafeInteger(v) || v < 0) throw new SamplerError("BadAcknowledge", `acknowledged values must be non-negative integers, got ${v} at counter ${c}`);
			if (v > cells[total + c]) throw new SamplerError("AcknowledgeExceedsPending", `acknowledged ${v} but only ${cells[total + c]} pending at counter ${c}`);
		}
		for (let c = 0; c < COUNTERS; c++) this.#consume(c, cells[ack + c]);
		this.#releaseEmpty();
	}

	/** Copies the i-th oldest sample's deltas into `out` and returns its time. */
	sampleAt(i: number, out: NetStats): number {
		if (!Number.isInteger(i) || i < 0 || i >= this.#size) throw new SamplerError("BadIndex", `sample index ${i} outside 0..${this.#size - 1}`);
		const n = this.capacity;
		const slot = (this.#head + i) % n;
		const cells = this.#cells;
		out.bytesIn = cells[n + slot];
		out.bytesOut = cells[2 * n + slot];
		out.packetsIn = cells[3 * n + slot];
		out.packetsOut = cells[4 * n + slot];
		return cells[slot];
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
		const n = this.capacity;
		if (this.#size < n) return (this.#head + this.#size++) % n;
		const slot = this.#head;
		const cells = this.#cells;
		const folded = this.#acc + FOLDED;
		for (let c = 0; c < COUNTERS; c++) cells[folded + c] += cells[n * (1 + c) + slot];
		this.#head = (slot + 1) % n;
		return slot;
	}

	#consume(c: number, amount: number): void {
		const cells = this.#cells;
		const n = this.capacity;
		const folded = this.#acc + FOLDED + c;
		cells[this.#acc + TOTAL + c] -= amount;
		const fromFolded = Math.min(amount, cells[folded]);
		cells[folded] -= fromFolded;
		let left = amount - fromFolded;
		const column = n * (1 + c);
		for (let i = 0; left > 0 && i < this.#size; i++) {
			const cell = column + ((this.#head + i) % n);
			const take = Math.min(left, cells[cell]);
			cells[cell] -= take;
			left -= take;
		}
	}

	#releaseEmpty(): void {
		const cells = this.#cells;
		const n = this.capacity;
		while (this.#size > 0) {
			const s = this.#head;
			if (cells[n + s] + cells[2 * n + s] + cells[3 * n + s] + cells[4 * n + s] !== 0) return;
			this.#head = (s + 1) % n;
			this.#size--;
		}
	}
}
