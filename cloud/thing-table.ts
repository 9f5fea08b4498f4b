/*
 * thing-table — the cloud's per-thing running figures (ThingMetrics: counters since start, connected, the
 * source address) and report gates, laid out for a million things: one map entry name → row, the numbers
 * in typed arrays indexed by row (NaN = not set), so a thing costs about a hundred bytes, not objects of its
 * own. A report gate is read from the store on the thing's first report since start (`loaded`).
 */
import type { IgnoredCounters } from "./detect/custom-metrics";
import type { ReportGateState } from "./reports/intake";
import { emptyMetrics, type CountedMetric, type ThingMetrics } from "./thing-metrics";

const FIELDS = ["aws:num-messages-sent", "aws:num-messages-received", "aws:num-authorization-failures", "aws:num-connection-attempts", "aws:num-disconnects", "reportsAccepted", "reportsRejected", "aws:message-byte-size"] as const;
export type ThingField = CountedMetric | "reportsAccepted" | "reportsRejected";
const STRIDE = FIELDS.length;
const BYTE_SIZE = FIELDS.indexOf("aws:message-byte-size");
const CONNECTED = 1;
const GATE_LOADED = 2;

export class ThingTable {
	readonly #rows = new Map<string, number>();
	readonly #ips = new Map<number, string>();
	/** custom-metric screening counters, only for the (few) things that sent an unknown or mistyped one */
	readonly #ignored = new Map<number, IgnoredCounters>();
	#numbers = new Float64Array(0);
	#gates = new Float64Array(0);
	#flags = new Uint8Array(0);

	/** The thing's row, made on first use. */
	row(thing: string): number {
		let row = this.#rows.get(thing);
		if (row === undefined) {
			row = this.#rows.size;
			this.#rows.set(thing, row);
			if (row >= this.#flags.length) this.#grow(row);
		}
		return row;
	}

	bump(row: number, field: ThingField): void {
		this.#numbers[row * STRIDE + FIELDS.indexOf(field)]++;
	}

	messageSize(row: number, bytes: number): void {
		this.#numbers[row * STRIDE + BYTE_SIZE] = bytes;
	}

	connected(row: number, ip: string | undefined): void {
		if (ip === undefined) this.#flags[row] &= ~CONNECTED;
		else {
			this.#flags[row] |= CONNECTED;
			this.#ips.set(row, ip);
		}
	}

	/** The thing's report gate; `load` reads it from the store the first time. */
	gate(row: number, load: () => ReportGateState | undefined): ReportGateState {
		if (!(this.#flags[row] & GATE_LOADED)) {
			const g = load();
			this.#flags[row] |= GATE_LOADED;
			if (g) this.setGate(row, g);
		}
		const id = this.#gates[row * 2];
		const at = this.#gates[row * 2 + 1];
		const g: ReportGateState = {};
		if (!Number.isNaN(id)) g.lastReportId = id;
		if (!Number.isNaN(at)) g.lastAcceptedAt = at;
		return g;
	}

	setGate(row: number, g: ReportGateState): void {
		this.#gates[row * 2] = g.lastReportId ?? Number.NaN;
		this.#gates[row * 2 + 1] = g.lastAcceptedAt ?? Number.NaN;
	}

	/** Sets the thing's report gate as loaded (a partition taken over: the store's gate, or none). */
	setLoadedGate(row: number, g: ReportGateState): void {
		this.#flags[row] |= GATE_LOADED;
		this.setGate(row, g);
	}

	/** Forgets the report gates of the things `which` picks: read from the store again on their next report. */
	unloadGates(which: (thing: string) => boolean): void {
		for (const [thing, row] of this.#rows) {
			if (!which(thing)) continue;
			this.#flags[row] &= ~GATE_LOADED;
			this.#gates[row * 2] = Number.NaN;
			this.#gates[row * 2 + 1] = Number.NaN;
		}
	}

	/** A copy of the thing's custom-metric screening counters (empty if none yet): update it, then setIgnored. */
	ignored(row: number): IgnoredCounters {
		return { ...this.#ignored.get(row) };
	}

	setIgnored(row: number, counters: IgnoredCounters): void {
		this.#ignored.set(row, { ...counters });
	}

	/** A copy of the thing's figures (all zero for a thing never seen). */
	metrics(thing: string): ThingMetrics {
		const m = emptyMetrics();
		const row = this.#rows.get(thing);
		if (row === undefined) return m;
		for (let i = 0; i < STRIDE; i++) {
			const v = this.#numbers[row * STRIDE + i];
			if (i !== BYTE_SIZE) (m as unknown as Record<string, number>)[FIELDS[i]] = v;
			else if (!Number.isNaN(v)) m["aws:message-byte-size"] = v;
		}
		m.connected = (this.#flags[row] & CONNECTED) !== 0;
		const ip = this.#ips.get(row);
		if (ip !== undefined) m["aws:source-ip-address"] = ip;
		const ignored = this.#ignored.get(row);
		if (ignored) Object.assign(m, ignored);
		return m;
	}

	#grow(row: number): void {
		const size = Math.max(1024, row * 2);
		const numbers = new Float64Array(size * STRIDE);
		numbers.set(this.#numbers);
		for (let r = this.#flags.length; r < size; r++) numbers[r * STRIDE + BYTE_SIZE] = Number.NaN;
		const gates = new Float64Array(size * 2).fill(Number.NaN);
		gates.set(this.#gates);
		const flags = new Uint8Array(size);
		flags.set(this.#flags);
		this.#numbers = numbers;
		this.#gates = gates;
		this.#flags = flags;
	}
}
