/*
 * fleet-child — one fleet-scale run in its own process (node --expose-gc), so RSS is its own:
 * `node --expose-gc --import tsx bench/fleet/fleet-child.ts <things> <measured reports> <pkiDir>`.
 * Prints one JSON line (FleetResult). Steps: empty cloud (RSS baseline) → every thing reports once (fill)
 * → the window close at the interval boundary (longest event-loop block) → `measured` reports timed →
 * RSS per thing → stop → restart on the full store (startup time) → `measured` more reports → stop → DB
 * growth per report.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { BenchClock, ingest, INTERVAL_MS, startFleetCloud, T0, type FleetCloud } from "./fleet-cloud";

export interface FleetResult {
	things: number;
	measured: number;
	fillPerSecond: number;
	perSecond: number;
	/** reports per second of this process's CPU time (user + system): the one-core figure on a shared machine;
	 * the median over chunks of CHUNK reports */
	perCpuSecond: number;
	/** the same over all measured reports at once */
	perCpuSecondOverall: number;
	/** the lowest and highest chunk */
	perCpuSecondRange: [number, number];
	rssPerThing: number;
	emptyRssMb: number;
	closeMaxBlockMs: number;
	closeTotalMs: number;
	startupMs: number;
	startupRssMb: number;
	dbBytes: number;
	dbBytesPerReport: number;
	replies: number;
	reports: number;
	logLines: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {});
const rss = (): number => (gc(), gc(), process.memoryUsage().rss);
const dirBytes = (dir: string): number => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

/** Fires the cloud's due timers (the minute tick) and waits until a sliced window close has finished. */
async function tick(f: FleetCloud): Promise<{ maxBlockMs: number; totalMs: number }> {
	const h = monitorEventLoopDelay({ resolution: 5 });
	h.enable();
	const start = performance.now();
	let longest = 0;
	const t = performance.now();
	f.clock.fire();
	longest = performance.now() - t;
	const pending = (f.cloud as unknown as { ticked?: () => Promise<void> }).ticked;
	if (pending) await pending.call(f.cloud);
	await new Promise<void>((r) => setImmediate(r));
	const totalMs = performance.now() - start;
	h.disable();
	return { maxBlockMs: Math.max(longest, h.max / 1e6), totalMs };
}

const cpuMs = (): number => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};

/** reports per timed chunk: the per-CPU-second figure is the median over the chunks, so that a burst of
 * another tenant's load on this shared machine moves one chunk, not the figure */
const CHUNK = 10_000;

async function timedRounds(f: FleetCloud, things: number, measured: number, firstRound: number): Promise<{ ms: number; cpu: number; round: number; chunkRates: number[] }> {
	let ms = 0;
	let cpu = 0;
	let round = firstRound;
	const chunkRates: number[] = [];
	for (let left = measured; left > 0; round++) {
		f.clock.now = T0 + round * INTERVAL_MS + 1000;
		await tick(f);
		const n = Math.min(things, left);
		for (let from = 0; from < n; from += CHUNK) {
			const to = Math.min(n, from + CHUNK);
			const start = performance.now();
			const startCpu = cpuMs();
			await ingest(f, round, from, to);
			const chunkCpu = cpuMs() - startCpu;
			ms += performance.now() - start;
			cpu += chunkCpu;
			chunkRates.push((to - from) / (chunkCpu / 1000));
		}
		left -= n;
	}
	return { ms, cpu, round, chunkRates };
}

const median = (xs: number[]): number => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function run(things: number, measured: number, pkiDir: string): Promise<FleetResult> {
	const dataDir = mkdtempSync(join(tmpdir(), "fleet-scale-"));
	try {
		const clock = new BenchClock();
		clock.now = T0 + 1000;
		let f = await startFleetCloud(dataDir, pkiDir, clock, true);
		const empty = rss();
		let start = performance.now();
		await ingest(f, 0, 0, things);
		const fillMs = performance.now() - start;
		clock.now = T0 + INTERVAL_MS + 1000;
		const close = await tick(f);
		const timed = await timedRounds(f, things, measured, 1);
		const rssPerThing = (rss() - empty) / things;
		let replies = f.replies.n;
		let logLines = f.log.lines;
		await f.cloud.stop();
		const full = dirBytes(dataDir);
		start = performance.now();
		f = await startFleetCloud(dataDir, pkiDir, clock, false);
		const startupMs = performance.now() - start;
		const startupRss = rss();
		await timedRounds(f, things, measured, timed.round);
		replies += f.replies.n;
		logLines += f.log.lines;
		await f.cloud.stop();
		const grown = dirBytes(dataDir);
		return {
			things,
			measured,
			fillPerSecond: things / (fillMs / 1000),
			perSecond: measured / (timed.ms / 1000),
			perCpuSecond: median(timed.chunkRates),
			perCpuSecondOverall: measured / (timed.cpu / 1000),
			perCpuSecondRange: [Math.min(...timed.chunkRates), Math.max(...timed.chunkRates)],
			rssPerThing,
			emptyRssMb: empty / 2 ** 20,
			closeMaxBlockMs: close.maxBlockMs,
			closeTotalMs: close.totalMs,
			startupMs,
			startupRssMb: startupRss / 2 ** 20,
			dbBytes: grown,
			dbBytesPerReport: (grown - full) / measured,
			replies,
			reports: things + 2 * measured,
			logLines,
		};
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}

const [things, measured, pkiDir] = process.argv.slice(2);
const result = await run(Number(things), Number(measured), pkiDir);
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
