/*
 * cloud-load bench (issue 16) — the embedded cloud under a fleet of mutual-TLS devices on loopback: 1,000
 * and 5,000 mqtt.js devices (a separate process) publish one report each at once (the burst), then 3 rounds
 * back to back (sustained). Prints publish→reply and publish→alert latency percentiles beside mosquitto's
 * publish→PUBACK for the same clients (same certificates and payloads) in the same run, and the same run
 * with the cloud in mosquitto mode (mosquitto + the Defender plugin, Detect its subscriber; mosquitto-load.ts).
 * Every report must get exactly one reply and raise one alert (Detect flips each thing in and out of alarm),
 * and in mosquitto mode the plugin's report count must equal Detect's evaluated count: else FAIL.
 * Run: npx tsx bench/cloud-load.bench.ts  (BENCH_LOAD_DEVICES=300,1000 to choose the fleet sizes)
 */
import { percentile, prepareFleet, runCloudLoad, type LoadOutcome } from "../test/load/cloud-load";
import type { FleetRound } from "../test/load/fleet-process";
import { runMosquittoLoad, type MosquittoLoadOutcome } from "../test/load/mosquitto-load";
import { runMosquittoPeer, type PeerOutcome } from "../test/load/mosquitto-peer";

const SIZES = (process.env.BENCH_LOAD_DEVICES ?? "1000,5000").split(",").map(Number);
const SUSTAINED = 3;
let failed = 0;

function row(label: string, xs: number[]): string {
	const f = (p: number): string => percentile(xs, p).toFixed(0).padStart(6);
	return `    ${label.padEnd(34)} ${f(50)} ${f(90)} ${f(99)}   (n=${xs.length})`;
}

const replies = (rs: FleetRound[]): number[] => rs.flatMap((r) => r.latencies);
const pubacks = (rs: FleetRound[]): number[] => rs.flatMap((r) => r.pubacks);

function check(n: number, cloud: LoadOutcome, peer: PeerOutcome): void {
	const reports = n * (SUSTAINED + 1);
	const once = cloud.rounds.every((r) => r.accepted === n && r.rejected === 0 && r.duplicates === 0);
	const ok = once && cloud.cloudReplies === reports && cloud.violationEvents === reports && cloud.alertLatencies.length === reports && peer.rounds.every((r) => r.pubacks.length === n);
	if (!ok) failed++;
	console.log(`  ${ok ? "PASS" : "FAIL"}: ${reports} reports, each one reply (devices ${cloud.rounds.map((r) => r.accepted).join("+")}, cloud ${cloud.cloudReplies}), ${cloud.violationEvents} Detect events, ${cloud.alertLatencies.length} alerts; mosquitto PUBACKs ${peer.rounds.map((r) => r.pubacks.length).join("+")}`);
}

function checkMosquittoMode(n: number, m: MosquittoLoadOutcome): void {
	const reports = n * (SUSTAINED + 1);
	const once = m.rounds.every((r) => r.accepted === n && r.rejected === 0 && r.duplicates === 0);
	const ok = once && m.cloudReplies === reports && m.violationEvents === reports && m.audit.evaluated === reports && m.audit.missing === 0 && m.brokerReports === reports && m.mismatched.length === 0;
	if (!ok) failed++;
	console.log(`  ${ok ? "PASS" : "FAIL"} (mosquitto mode): ${reports} reports, each one reply (devices ${m.rounds.map((r) => r.accepted).join("+")}, cloud ${m.cloudReplies}), Detect evaluated ${m.audit.evaluated}, plugin counted ${m.brokerReports} (${m.mismatched.length} things differ), ${m.alertLatencies.length} alerts`);
}

function printMosquittoMode(n: number, m: MosquittoLoadOutcome): void {
	const [burst, ...sustained] = m.rounds;
	console.log(`  mosquitto mode (mosquitto + Defender plugin → Detect): connect ${(m.timings.connectMs / 1000).toFixed(1)} s`);
	console.log(row("burst: publish→reply", burst.latencies));
	console.log(row("burst: publish→alert", m.alertLatencies.slice(0, n)));
	console.log(row("burst: publish→PUBACK", burst.pubacks));
	console.log(row(`sustained ×${SUSTAINED}: publish→reply`, replies(sustained)));
	console.log(row(`sustained ×${SUSTAINED}: publish→alert`, m.alertLatencies.slice(n)));
	console.log(row(`sustained ×${SUSTAINED}: publish→PUBACK`, pubacks(sustained)));
	const rate = Math.round((n * m.rounds.length) / (m.rounds.reduce((a, r) => a + r.completeMs, 0) / 1000)).toLocaleString("en-US");
	console.log(`    throughput (all of a round answered): ${rate} reports/s`);
	checkMosquittoMode(n, m);
}

async function size(n: number): Promise<void> {
	const fleet = prepareFleet(n);
	try {
		const cloud = await runCloudLoad({ devices: n, sustainedRounds: SUSTAINED, roundLimitMs: 120_000 }, fleet);
		const peer = await runMosquittoPeer(fleet, SUSTAINED + 1, 120_000);
		const s = (ms: number): string => (ms / 1000).toFixed(1);
		console.log(`${n} devices: certificates ${s(fleet.certsMs)} s; connect (100 handshakes at a time) cloud ${s(cloud.timings.connectMs)} s, mosquitto ${s(peer.connectMs)} s`);
		console.log(`    latency ms                             p50    p90    p99`);
		const [burst, ...sustained] = cloud.rounds;
		const [peerBurst, ...peerSustained] = peer.rounds;
		const burstAlerts = cloud.alertLatencies.slice(0, n);
		console.log(row("burst: cloud publish→reply", burst.latencies));
		console.log(row("burst: cloud publish→alert", burstAlerts));
		console.log(row("burst: cloud publish→PUBACK", burst.pubacks));
		console.log(row("burst: mosquitto publish→PUBACK", peerBurst.pubacks));
		console.log(row(`sustained ×${SUSTAINED}: cloud publish→reply`, replies(sustained)));
		console.log(row(`sustained ×${SUSTAINED}: cloud publish→alert`, cloud.alertLatencies.slice(n)));
		console.log(row(`sustained ×${SUSTAINED}: cloud publish→PUBACK`, pubacks(sustained)));
		console.log(row(`sustained ×${SUSTAINED}: mosquitto publish→PUBACK`, pubacks(peerSustained)));
		const rate = (rs: FleetRound[]): string => Math.round((n * rs.length) / (rs.reduce((a, r) => a + r.completeMs, 0) / 1000)).toLocaleString("en-US");
		console.log(`    throughput (all of a round answered): cloud ${rate(cloud.rounds)} reports/s, mosquitto ${rate(peer.rounds)} publishes/s`);
		check(n, cloud, peer);
		printMosquittoMode(n, await runMosquittoLoad({ devices: n, sustainedRounds: SUSTAINED, roundLimitMs: 120_000 }, fleet));
	} finally {
		fleet.cleanup();
	}
}

console.log(`Embedded cloud and mosquitto mode under load (loopback, mutual TLS, QoS 1 reports; devices in a separate process):`);
for (const n of SIZES) await size(n);
process.exit(failed ? 1 : 0);
