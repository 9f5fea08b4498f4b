/*
 * fleet-scale bench (issue 11) — the cloud's full ingest path at fleet scale: each report enters through the
 * hook aedes calls for an authorized PUBLISH, goes through intake, Detect (the seed profile + a p90
 * statistical behavior + 8 more behaviors, attached to every thing) and the SQLite write-behind, and its
 * reply is published through the embedded broker. One child process per fleet size (bench/fleet/fleet-child.ts),
 * so each RSS figure is its own. Prints, per size: reports/s (per second of the process's CPU time — the
 * one-core figure on this shared machine, the median over chunks of 10,000 reports with the lowest and highest
 * chunk beside it — and per wall second), RSS per thing above the empty cloud, DB
 * growth per report (metric history kept), the longest event-loop block during the window close at the
 * interval boundary (monitorEventLoopDelay, wall time), startup time on the full store; then the per-report
 * cost ratio of the largest size to the smallest. Each goal: PASS/FAIL.
 *
 * Run: npx tsx bench/fleet-scale.bench.ts
 *   BENCH_FLEET_THINGS=10000,100000,1000000   fleet sizes (default 10000,100000; 1M takes a few minutes)
 *   BENCH_FLEET_REPORTS=50000                 reports timed per phase (default 50,000)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { FleetResult } from "./fleet/fleet-child";

const SIZES = (process.env.BENCH_FLEET_THINGS ?? "10000,100000").split(",").map(Number);
const MEASURED = Number(process.env.BENCH_FLEET_REPORTS ?? 50_000);
const GOALS = { perSecond: 20_000, ratio: 1.25, rssPerThing: 1024, dbPerReport: 200, blockMs: 50, startupMs: 10_000 };

const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
let failed = 0;

function verdict(ok: boolean, text: string): void {
	if (!ok) failed++;
	console.log(`  ${ok ? "PASS" : "FAIL"}: ${text}`);
}

function child(things: number, pkiDir: string): FleetResult {
	const script = join(import.meta.dirname, "fleet", "fleet-child.ts");
	const r = spawnSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", "--import", "tsx", script, String(things), String(MEASURED), pkiDir], {
		encoding: "utf8",
		stdio: ["ignore", "pipe", "inherit"],
		timeout: 20 * 60_000,
	});
	const line = r.stdout.trim().split("\n").at(-1) ?? "";
	if (r.status !== 0 || !line.startsWith("{")) throw new Error(`fleet child for ${things} things failed (status ${r.status}): ${line}`);
	return JSON.parse(line) as FleetResult;
}

function print(r: FleetResult): void {
	console.log(
		`${fmt(r.things).padStart(9)} things: ${fmt(r.perCpuSecond).padStart(7)} reports/CPU-s (median of 10,000-report chunks, ${fmt(r.perCpuSecondRange[0])}–${fmt(r.perCpuSecondRange[1])}; all at once ${fmt(r.perCpuSecondOverall)}; ${fmt(r.perSecond)}/wall-s; first report of each thing ${fmt(r.fillPerSecond)}/wall-s)` +
			`  RSS ${fmt(r.rssPerThing)} B/thing above the empty cloud (${fmt(r.emptyRssMb)} MB)  DB ${fmt(r.dbBytesPerReport)} B/report (${fmt(r.dbBytes / 2 ** 20, 1)} MB)` +
			`  window close: longest block ${fmt(r.closeMaxBlockMs, 1)} ms of ${fmt(r.closeTotalMs)} ms  startup ${fmt(r.startupMs)} ms (RSS ${fmt(r.startupRssMb)} MB)`,
	);
	verdict(r.replies === r.reports, `${fmt(r.replies)} replies published for ${fmt(r.reports)} reports`);
}

const pkiDir = mkdtempSync(join(tmpdir(), "fleet-pki-"));
try {
	console.log(`Fleet scale: full ingest path, persistence on, ${fmt(MEASURED)} reports timed per size; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on this machine`);
	const results = SIZES.map((n) => {
		const r = child(n, pkiDir);
		print(r);
		return r;
	});
	const small = results[0];
	const large = results.at(-1) ?? small;
	const at100k = results.find((r) => r.things === 100_000) ?? large;
	console.log("Goals:");
	verdict(at100k.perCpuSecond >= GOALS.perSecond, `≥ ${fmt(GOALS.perSecond)} reports/s on one core at ${fmt(at100k.things)} things: ${fmt(at100k.perCpuSecond)} per CPU-second`);
	const ratio = small.perCpuSecond / large.perCpuSecond;
	verdict(ratio <= GOALS.ratio, `per-report cost at ${fmt(large.things)} things / at ${fmt(small.things)}: ${ratio.toFixed(2)} (goal ≤ ${GOALS.ratio} for 1,000,000 / 10,000)`);
	verdict(large.rssPerThing <= GOALS.rssPerThing, `RSS per thing at ${fmt(large.things)} things: ${fmt(large.rssPerThing)} B (goal ≤ ${fmt(GOALS.rssPerThing)} B at 1,000,000)`);
	const db = Math.max(...results.map((r) => r.dbBytesPerReport));
	verdict(db <= GOALS.dbPerReport, `DB growth per report (history kept): at most ${fmt(db)} B (goal ≤ ${GOALS.dbPerReport} B)`);
	const block = Math.max(...results.map((r) => r.closeMaxBlockMs));
	verdict(block <= GOALS.blockMs, `window close: longest event-loop block ${fmt(block, 1)} ms (goal ≤ ${GOALS.blockMs} ms; wall time on a shared machine)`);
	verdict(large.startupMs <= GOALS.startupMs, `startup on the full store at ${fmt(large.things)} things: ${fmt(large.startupMs)} ms (goal ≤ ${fmt(GOALS.startupMs)} ms at 1,000,000)`);
} finally {
	rmSync(pkiDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
