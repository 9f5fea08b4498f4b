/*
 * Load on the embedded cloud (issue 16): 300 mutual-TLS devices (CI's share; bench/cloud-load.bench.ts runs
 * 1,000 and 5,000) publish one report each at once, then five more rounds back to back. The cloud stays up,
 * every report gets exactly one reply, and Detect evaluates every accepted report — counted on the devices'
 * side (replies per thing) and on the cloud's (onReply, metrics, one violation event per accepted report,
 * since each report flips its thing's ports behavior in or out of alarm).
 */
import { describe, expect, it } from "vitest";
import { runCloudLoad } from "./cloud-load";

const DEVICES = 300;
const SUSTAINED = 5;

describe("embedded cloud under load", () => {
	it(`${DEVICES} devices: a burst of reports, then ${SUSTAINED} rounds; one reply per report, Detect on each`, async () => {
		const out = await runCloudLoad({ devices: DEVICES, sustainedRounds: SUSTAINED, roundLimitMs: 30_000 });
		expect(out.connected).toBe(DEVICES);
		expect(out.rounds).toHaveLength(SUSTAINED + 1);
		for (const r of out.rounds) {
			expect({ accepted: r.accepted, rejected: r.rejected, duplicates: r.duplicates, timed: r.latencies.length }).toEqual({ accepted: DEVICES, rejected: 0, duplicates: 0, timed: DEVICES });
		}
		expect(out.rounds[SUSTAINED].stray).toBe(0);
		const reports = DEVICES * (SUSTAINED + 1);
		expect({ replies: out.cloudReplies, accepted: out.cloudAccepted, rejected: out.cloudRejected, events: out.violationEvents }).toEqual({ replies: reports, accepted: reports, rejected: 0, events: reports });
		expect(out.logs.filter((l) => !l.startsWith("detect: "))).toEqual([]);
	}, 120_000);
});
