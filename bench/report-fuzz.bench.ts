/*
 * report fuzz bench — a million seeded mutations of valid reports (JSON long/short and CBOR) through
 * the cloud's decodeReport. Each accepted one is re-validated by the independent oracle
 * (test/helpers/report-oracle.ts); each rejected one is shown to the oracle too (a valid report refused
 * is counted and printed). Passes when nothing threw, nothing accepted was garbage and the slowest
 * input, decoded again, takes < 10 ms (one-off pauses of a loaded machine are not hangs).
 * `npx tsx bench/report-fuzz.bench.ts [count] [seed]`
 */
import { retime, runReportFuzz, type FuzzCounts } from "../test/helpers/report-fuzz";

const COUNT = Number(process.argv[2] ?? 1_000_000);
const SEED = Number(process.argv[3] ?? 0x5eed);
const CHUNK = 100_000;

const total = { total: 0, rejected: 0, accepted: 0, threw: 0, garbage: 0, overRejected: 0, slowestMs: 0 };
const examples: string[] = [];
let slowest: FuzzCounts["slowest"];
const start = performance.now();
for (let done = 0, chunk = 0; done < COUNT; chunk++) {
	const n = Math.min(CHUNK, COUNT - done);
	const c = runReportFuzz(n, SEED + chunk, true);
	for (const k of ["total", "rejected", "accepted", "threw", "garbage", "overRejected"] as const) total[k] += c[k];
	if (c.slowestMs > total.slowestMs) {
		total.slowestMs = c.slowestMs;
		slowest = c.slowest;
	}
	examples.push(...c.examples.slice(0, 5 - examples.length));
	done += n;
}
const seconds = (performance.now() - start) / 1000;
const fmt = (n: number): string => n.toLocaleString("en-US");
console.log(`mutated reports ${fmt(total.total)} (seed ${SEED}) in ${seconds.toFixed(1)} s: ${fmt(Math.round(total.total / seconds))} reports/s`);
console.log(`rejected ${fmt(total.rejected)} (of which the oracle would accept ${fmt(total.overRejected)})  accepted ${fmt(total.accepted)} (all re-validated)  threw ${fmt(total.threw)}  accepted garbage ${fmt(total.garbage)}`);
const again = slowest ? retime(slowest) : 0;
console.log(`slowest single decode ${total.slowestMs.toFixed(1)} ms (that input again, best of 20: ${again.toFixed(3)} ms, ${slowest?.bytes.length ?? 0} bytes)`);
for (const e of examples) console.log(`  ${e}`);
const pass = total.threw === 0 && total.garbage === 0 && again < 10 && total.total === COUNT;
console.log(`${pass ? "PASS" : "FAIL"}: no throw, no accepted garbage, slowest input decodes again in < 10 ms`);
process.exitCode = pass ? 0 : 1;
