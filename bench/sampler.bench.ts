/*
 * Sampler bench on XS (xsnap meter): live slots stay flat while 100,000 events are recorded (the ring
 * is preallocated, poll allocates nothing), and the metered compute of 100,000 events is 10 ± 1
 * times that of 10,000 (constant cost per event, folding included). A naive peer (an object per
 * sample in a shifted array) is measured in the same run. Run: npx tsx bench/sampler.bench.ts
 */
import { startXS } from "../test/xs/xs-harness";

let failed = 0;
function verdict(ok: boolean): string {
	if (!ok) failed++;
	return ok ? "PASS" : "FAIL";
}

const xs = await startXS(new URL("./entries/sampler-entry.ts", import.meta.url), { meteringLimit: 2e9 });
try {
	await xs.call("record", 100);
	const before = await xs.heapCount();
	const small = await xs.call("record", 10_000);
	const large = await xs.call("record", 100_000);
	const after = await xs.heapCount();
	const naiveBefore = await xs.heapCount();
	const naiveSmall = await xs.call("recordNaive", 10_000);
	const naiveLarge = await xs.call("recordNaive", 100_000);
	const naiveAfter = await xs.heapCount();
	const ratio = large.compute / small.compute;
	console.log("sampler on XS: ours | naive peer");
	console.log(`  compute per event: ${(large.compute / 100_000).toFixed(1)} | ${(naiveLarge.compute / 100_000).toFixed(1)}  (ours/peer ${(large.compute / naiveLarge.compute).toFixed(2)}x)`);
	console.log(`  live slots after gc, before -> after 110,000 events: ${before} -> ${after} (${after - before >= 0 ? "+" : ""}${after - before}) | ${naiveBefore} -> ${naiveAfter} (+${naiveAfter - naiveBefore})`);
	console.log(`  live slots at the end of the 100,000-event call (no gc): ${large.heapCount} | ${naiveLarge.heapCount}`);
	console.log(`  goal slots flat over 100,000 events: ${verdict(after - before <= 0)}`);
	console.log(`  compute 100,000 / 10,000 events = ${ratio.toFixed(3)} (peer ${(naiveLarge.compute / naiveSmall.compute).toFixed(3)}); goal 10 +/- 1: ${verdict(Math.abs(ratio - 10) <= 1)}`);
} finally {
	await xs.close();
}
console.log(failed ? `\n${failed} goal(s) FAILED` : "\nall goals PASS");
process.exitCode = failed ? 1 : 0;
