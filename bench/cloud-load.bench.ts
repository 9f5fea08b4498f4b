/*
 * cloud-load bench (issue 16) — the embedded cloud under a fleet of mutual-TLS devices on loopback: 1,000
 * and 5,000 mqtt.js devices (a separate process) publish one report each at once (the burst), then 3 rounds
 * back to back (sustained). Prints publish→reply and publish→alert latency percentiles beside mosquitto's
 * publish→PUBACK for the same clients (same certificates and payloads) in the same run. Every report must
 * get exactly one reply and raise one alert (Detect flips each thing in and out of alarm): else FAIL.
 * Run: npx tsx bench/cloud-load.bench.ts  (BENCH_LOAD_DEVICES=300,1000 to choose the fleet sizes)
 */
import { percentile, prepareFleet, runCloudLoad, type LoadOutcome } from "../test/load/cloud-load";
import type { FleetRound } from "../test/load/fleet-process";
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
	} finally {
		fleet.cleanup();
	}
}

console.log(`Embedded cloud under load (loopback, mutual TLS, QoS 1 reports; devices in a separate process):`);
for (const n of SIZES) await size(n);
process.exit(failed ? 1 : 0);
