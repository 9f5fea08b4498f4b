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
import { issueFleet } from "./fleet-pki";
import { startFleetProcess, type FleetRound } from "./fleet-process";

export interface LoadOptions {
	devices: number;
	sustainedRounds: number;
	/** bound on one round, ms */
	roundLimitMs?: number;
	prefix?: string;
}

export interface LoadOutcome {
	connected: number;
	rounds: FleetRound[];
	/** the cloud's side: replies published, reports accepted/rejected, violation events */
	cloudReplies: number;
	cloudAccepted: number;
	cloudRejected: number;
	violationEvents: number;
	/** publish→violation-event milliseconds (cross-process epoch clocks) */
	alertLatencies: number[];
	logs: string[];
	timings: { certsMs: number; connectMs: number };
}

export const LOAD_PROFILE = {
	securityProfileName: "LoadPorts",
	behaviors: [{ name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8883] } } }],
};

function cloudCounts(cloud: Cloud, things: string[]): { accepted: number; rejected: number } {
	let accepted = 0;
	let rejected = 0;
	for (const t of things) {
		const m = cloud.metrics(t);
		accepted += m.reportsAccepted;
		rejected += m.reportsRejected;
	}
	return { accepted, rejected };
}

export async function runCloudLoad(o: LoadOptions): Promise<LoadOutcome> {
	const dir = tempDir("cloud-load-");
	const logs: string[] = [];
	const pkiDir = join(dir, "pki");
	const t0 = performance.now();
	const prefix = o.prefix ?? "load-";
	const creds = issueFleet(pkiDir, prefix, o.devices);
	const certsMs = performance.now() - t0;
	const cloud = await startCloud({ port: 0, dataDir: ":memory:", pkiDir, clock: new VirtualClock(Date.UTC(2026, 0, 1)), minReportIntervalSeconds: 0, log: (s) => logs.push(s) });
	const fleet = startFleetProcess();
	try {
		cloud.createSecurityProfile(LOAD_PROFILE);
		cloud.attachSecurityProfile(LOAD_PROFILE.securityProfileName, cloud.allThingsArn);
		let cloudReplies = 0;
		cloud.onReply(() => cloudReplies++);
		const eventTimes: [string, number][] = [];
		cloud.onViolationEvent((e) => eventTimes.push([e.thingName, performance.timeOrigin + performance.now()]));
		const t1 = performance.now();
		const connected = await fleet.connect({ port: cloud.port, ca: creds.ca, key: creds.key, certs: [...creds.certs], connectTimeoutMs: 120_000 });
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
		const counts = cloudCounts(cloud, [...creds.certs.keys()]);
		return {
			connected,
			rounds,
			cloudReplies,
			cloudAccepted: counts.accepted,
			cloudRejected: counts.rejected,
			violationEvents: eventTimes.length,
			alertLatencies,
			logs,
			timings: { certsMs, connectMs },
		};
	} finally {
		await fleet.close().catch(() => fleet.kill());
		fleet.kill();
		await cloud.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}

/** p-th percentile (0..100) of `xs`, nearest rank; NaN when empty. */
export function percentile(xs: number[], p: number): number {
	if (xs.length === 0) return NaN;
	const sorted = [...xs].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
