/*
 * cloud-load — one bounded load run against the embedded cloud (startCloud, aedes behind mutual TLS on
 * 127.0.0.1): `devices` things connect at once from a separate process, every device publishes one report
 * at once (the burst), then `sustainedRounds` more rounds back to back. Counted on both sides: each device's
 * replies (exactly one per report) and the cloud's onReply / metrics / violation events (Detect alternates
 * each thing in and out of alarm, so every accepted report yields exactly one violation event).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startCloud } from "../../cloud/index";
import type { Cloud } from "../../cloud/cloud";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { tempDir } from "../helpers/cloud-setup";
import { issueFleet, type FleetCredentials } from "./fleet-pki";
import { startFleetProcess, type FleetProcess, type FleetRound } from "./fleet-process";

export interface LoadOptions {
	devices: number;
	sustainedRounds: number;
	/** bound on one round, ms */
	roundLimitMs?: number;
	prefix?: string;
}

/** A temp dir with the cloud's PKI and the fleet's certificates; reusable for a peer broker in the same run. */
export interface PreparedFleet {
	dir: string;
	pkiDir: string;
	creds: FleetCredentials;
	certsMs: number;
	cleanup(): void;
}

export function prepareFleet(devices: number, prefix = "load-"): PreparedFleet {
	const dir = tempDir("cloud-load-");
	const pkiDir = join(dir, "pki");
	const t0 = performance.now();
	const creds = issueFleet(pkiDir, prefix, devices);
	return { dir, pkiDir, creds, certsMs: performance.now() - t0, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LoadOutcome {
	connected: number;
	rounds: FleetRound[];
	/** the cloud's side: replies published, reports accepted/rejected, violation events */
	cloudReplies: number;
	cloudAccepted: number;
	cloudRejected: number;
	violationEvents: number;
	/** publish→alert milliseconds (cloud.onAlert; cross-process epoch clocks) */
	alertLatencies: number[];
	logs: string[];
	timings: { certsMs: number; connectMs: number };
}

export const LOAD_PROFILE = {
	securityProfileName: "LoadPorts",
	behaviors: [{ name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8883] } } }],
};

/** What driving a fleet against a cloud gave: the devices' rounds, publish→alert latencies, the cloud's counts so far. */
export interface DrivenFleet {
	connected: number;
	connectMs: number;
	rounds: FleetRound[];
	alertLatencies: number[];
	cloudReplies(): number;
	violationEvents(): number;
}

/** Attaches the load profile, connects the fleet to `port` and runs the burst and the sustained rounds. */
export async function driveFleet(cloud: Cloud, fleet: FleetProcess, creds: FleetCredentials, port: number, o: LoadOptions): Promise<DrivenFleet> {
	cloud.createSecurityProfile(LOAD_PROFILE);
	cloud.attachSecurityProfile(LOAD_PROFILE.securityProfileName, cloud.allThingsArn);
	let cloudReplies = 0;
	cloud.onReply(() => cloudReplies++);
	let violationEvents = 0;
	cloud.onViolationEvent(() => violationEvents++);
	const eventTimes: [string, number][] = [];
	cloud.onAlert((a) => eventTimes.push([a.thingName, performance.timeOrigin + performance.now()]));
	const t1 = performance.now();
	const connected = await fleet.connect({ port, ca: creds.ca, key: creds.key, certs: [...creds.certs], connectTimeoutMs: 120_000 });
	const connectMs = performance.now() - t1;
	const rounds: FleetRound[] = [];
	const alertLatencies: number[] = [];
	for (let k = 0; k <= o.sustainedRounds; k++) {
		const before = eventTimes.length;
		const r = await fleet.round(k + 1, o.roundLimitMs ?? 60_000);
		rounds.push(r);
		const sent = new Map(r.sent);
		for (const [thing, at] of eventTimes.slice(before)) {
			const s = sent.get(thing);
			if (s !== undefined) alertLatencies.push(at - s);
		}
	}
	return { connected, connectMs, rounds, alertLatencies, cloudReplies: () => cloudReplies, violationEvents: () => violationEvents };
}

export function cloudCounts(cloud: Cloud, things: string[]): { accepted: number; rejected: number } {
	let accepted = 0;
	let rejected = 0;
	for (const t of things) {
		const m = cloud.metrics(t);
		accepted += m.reportsAccepted;
		rejected += m.reportsRejected;
	}
	return { accepted, rejected };
}

/** Runs the load; with `prepared` (of the same size) its certificates are used and its dir is left in place. */
export async function runCloudLoad(o: LoadOptions, prepared?: PreparedFleet): Promise<LoadOutcome> {
	const fleetFiles = prepared ?? prepareFleet(o.devices, o.prefix);
	const { pkiDir, creds, certsMs } = fleetFiles;
	const logs: string[] = [];
	const cloud = await startCloud({ port: 0, dataDir: ":memory:", pkiDir, clock: new VirtualClock(Date.UTC(2026, 0, 1)), minReportIntervalSeconds: 0, log: (s) => logs.push(s) });
	const fleet = startFleetProcess();
	try {
		const driven = await driveFleet(cloud, fleet, creds, cloud.port, o);
		const counts = cloudCounts(cloud, [...creds.certs.keys()]);
		return {
			connected: driven.connected,
			rounds: driven.rounds,
			cloudReplies: driven.cloudReplies(),
			cloudAccepted: counts.accepted,
			cloudRejected: counts.rejected,
			violationEvents: driven.violationEvents(),
			alertLatencies: driven.alertLatencies,
			logs,
			timings: { certsMs, connectMs: driven.connectMs },
		};
	} finally {
		await fleet.close().catch(() => fleet.kill());
		fleet.kill();
		await cloud.stop();
		if (!prepared) fleetFiles.cleanup();
	}
}

/** p-th percentile (0..100) of `xs`, nearest rank; NaN when empty. */
export function percentile(xs: number[], p: number): number {
	if (xs.length === 0) return NaN;
	const sorted = [...xs].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
