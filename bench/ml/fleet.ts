/*
 * fleet — a seeded synthetic fleet for measuring ML Detect (bench/ml-detect.bench.ts, test/unit/ml-*).
 * Every device reports every 5 minutes; per 5-minute datapoint it has:
 *   - a device level drawn log-normally across the fleet (devices differ by 10× and more),
 *   - diurnal traffic: a log-space sinusoid peaking at 14:00 UTC, amplitude 0.3–0.8 per device,
 *   - multiplicative noise (log-normal, σ 0.15) and Poisson counts,
 *   - bursty devices (20 %): with probability 2 % a datapoint is 2–6× larger (and one more connection),
 *   - slow drift (30 %): −1 %…+2 % per day, compounding,
 *   - a new-firmware step change on 25 % of the devices on evaluation day 2: bytes ×1.5, packets and
 *     messages ×1.3, one more listening port (benign: not an anomaly),
 *   - rare benign authorization failures (0.3 % of datapoints; 3 % of devices misconfigured, Poisson 0.3).
 * Injected anomalies in the evaluation days (labels: thing, kind, time span, the metrics they move):
 *   - flood (the seed's rogue device): a 100-character message a second, sent and echoed back, for 1 h:
 *     +300 messages, +300·130 bytes and +300 packets out per datapoint,
 *   - exfiltration: 3× the device's normal bytes out (2× packets) for 2 h,
 *   - port scan: +15–30 established connections, +2 listening ports, +10–40 authorization failures, 30 min,
 *   - beaconing: +1 established connection, +8 KB and +40 packets out per datapoint, for 12 h.
 * Everything comes from one mulberry32 stream per device and the seed, so a run is reproducible.
 */
import { prng } from "../../test/helpers/prng";

export const BENCH_METRICS = [
	"aws:all-bytes-out",
	"aws:all-packets-out",
	"aws:num-established-tcp-connections",
	"aws:num-listening-tcp-ports",
	"aws:num-authorization-failures",
	"aws:num-messages-sent",
] as const;
export type BenchMetric = (typeof BENCH_METRICS)[number];
export type Datapoint = Record<BenchMetric, number>;
export type Kind = "flood" | "exfiltration" | "port-scan" | "beaconing";

export interface Episode {
	thing: string;
	kind: Kind;
	start: number;
	end: number;
	metrics: BenchMetric[];
}

interface Device {
	name: string;
	rand: () => number;
	bytes: number;
	packetSize: number;
	msgs: number;
	conns: number;
	ports: number;
	amp: number;
	bursty: boolean;
	drift: number;
	firmware: boolean;
	flaky: boolean;
}

export const STEP_MS = 300_000;
const DAY_MS = 86_400_000;

function gaussian(rand: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function poisson(rand: () => number, mean: number): number {
	if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rand)));
	const l = Math.exp(-mean);
	let k = 0;
	for (let p = rand(); p > l; p *= rand()) k++;
	return k;
}

const KINDS: { kind: Kind; count: number; hours: number; metrics: BenchMetric[] }[] = [
	{ kind: "flood", count: 3, hours: 1, metrics: ["aws:num-messages-sent", "aws:all-bytes-out", "aws:all-packets-out"] },
	{ kind: "exfiltration", count: 6, hours: 2, metrics: ["aws:all-bytes-out", "aws:all-packets-out"] },
	{ kind: "port-scan", count: 4, hours: 0.5, metrics: ["aws:num-established-tcp-connections", "aws:num-listening-tcp-ports", "aws:num-authorization-failures"] },
	{ kind: "beaconing", count: 3, hours: 12, metrics: ["aws:num-established-tcp-connections", "aws:all-bytes-out", "aws:all-packets-out"] },
];

export class Fleet {
	readonly devices: Device[];
	readonly episodes: Episode[] = [];
	/** epoch ms of the first datapoint; evaluation starts trainDays later */
	readonly start: number;
	readonly evalStart: number;
	readonly end: number;
	readonly #firmwareAt: number;

	constructor(seed: number, size: number, start: number, trainDays: number, evalDays: number) {
		const rand = prng(seed);
		this.start = start;
		this.evalStart = start + trainDays * DAY_MS;
		this.end = this.evalStart + evalDays * DAY_MS;
		this.#firmwareAt = this.evalStart + 2 * DAY_MS;
		this.devices = Array.from({ length: size }, (_, i) => ({
			name: `dev-${String(i).padStart(3, "0")}`,
			rand: prng(seed * 7919 + i),
			bytes: 20_000 * Math.exp(0.9 * gaussian(rand)),
			packetSize: 200 + 400 * rand(),
			msgs: 3 + 12 * rand(),
			conns: 1 + Math.floor(4 * rand()),
			ports: 2 + Math.floor(4 * rand()),
			amp: 0.3 + 0.5 * rand(),
			bursty: rand() < 0.2,
			drift: rand() < 0.3 ? -0.01 + 0.03 * rand() : 0,
			firmware: rand() < 0.25,
			flaky: rand() < 0.03,
		}));
		this.#inject(rand);
	}

	#inject(rand: () => number): void {
		const used = new Set<number>();
		const steps = (this.end - this.evalStart) / STEP_MS;
		for (const k of KINDS) {
			for (let n = 0; n < k.count; n++) {
				let i = Math.floor(rand() * this.devices.length);
				while (used.has(i)) i = (i + 1) % this.devices.length;
				used.add(i);
				const span = (k.hours * 3_600_000) / STEP_MS;
				const start = this.evalStart + Math.floor(rand() * (steps - span)) * STEP_MS;
				this.episodes.push({ thing: this.devices[i].name, kind: k.kind, start, end: start + span * STEP_MS, metrics: k.metrics });
			}
		}
	}

	/** The datapoint of device `d` for the 5-minute step starting at `t`. */
	datapoint(d: Device, t: number): Datapoint {
		const r = d.rand;
		const hour = (t % DAY_MS) / 3_600_000;
		const days = (t - this.start) / DAY_MS;
		const fw = d.firmware && t >= this.#firmwareAt;
		const burst = d.bursty && r() < 0.02 ? 2 + 4 * r() : 1;
		const level = Math.exp(d.amp * Math.sin((2 * Math.PI * (hour - 8)) / 24) + d.drift * days) * burst;
		const bytes = d.bytes * level * (fw ? 1.5 : 1) * Math.exp(0.15 * gaussian(r));
		const p: Datapoint = {
			"aws:all-bytes-out": Math.round(bytes),
			"aws:all-packets-out": Math.round((bytes / d.packetSize) * (fw ? 1.3 / 1.5 : 1) * Math.exp(0.1 * gaussian(r))),
			"aws:num-established-tcp-connections": d.conns + (r() < 0.05 ? 1 : 0) + (burst > 1 ? 1 : 0),
			"aws:num-listening-tcp-ports": d.ports + (fw ? 1 : 0),
			"aws:num-authorization-failures": d.flaky ? poisson(r, 0.3) : r() < 0.003 ? 1 : 0,
			"aws:num-messages-sent": poisson(r, d.msgs * level * (fw ? 1.3 : 1)),
		};
		for (const e of this.episodes) if (e.thing === d.name && t >= e.start && t < e.end) anomaly(e.kind, p, r);
		return p;
	}
}

function anomaly(kind: Kind, p: Datapoint, r: () => number): void {
	if (kind === "flood") {
		p["aws:num-messages-sent"] += 300;
		p["aws:all-bytes-out"] += 300 * 130;
		p["aws:all-packets-out"] += 300;
	} else if (kind === "exfiltration") {
		p["aws:all-bytes-out"] *= 3;
		p["aws:all-packets-out"] *= 2;
	} else if (kind === "port-scan") {
		p["aws:num-established-tcp-connections"] += 15 + Math.floor(16 * r());
		p["aws:num-listening-tcp-ports"] += 2;
		p["aws:num-authorization-failures"] += 10 + Math.floor(31 * r());
	} else {
		p["aws:num-established-tcp-connections"] += 1;
		p["aws:all-bytes-out"] += 8_000;
		p["aws:all-packets-out"] += 40;
	}
}
