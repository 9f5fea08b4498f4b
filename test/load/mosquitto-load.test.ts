/*
 * Load on the cloud in mosquitto mode (issue 16): 300 mutual-TLS devices (CI's share; the bench runs 1,000
 * and 5,000) publish one report each at once through mosquitto with the Defender plugin, then five more
 * rounds back to back. The cloud stays up, every report gets exactly one reply, Detect evaluated every
 * accepted report, and the plugin's broker-side report count equals Detect's evaluated count, per thing.
 */
import { describe, expect, it } from "vitest";
import { runMosquittoLoad } from "./mosquitto-load";

const DEVICES = 300;
const SUSTAINED = 5;

describe("the cloud in mosquitto mode (plugin) under load", () => {
	it(`${DEVICES} devices: a burst, then ${SUSTAINED} rounds; one reply per report, Detect on each, broker count = evaluated`, async () => {
		const out = await runMosquittoLoad({ devices: DEVICES, sustainedRounds: SUSTAINED, roundLimitMs: 30_000 });
		expect(out.connected).toBe(DEVICES);
		expect(out.rounds).toHaveLength(SUSTAINED + 1);
		for (const r of out.rounds) {
			expect({ accepted: r.accepted, rejected: r.rejected, duplicates: r.duplicates, timed: r.latencies.length }).toEqual({ accepted: DEVICES, rejected: 0, duplicates: 0, timed: DEVICES });
		}
		expect(out.rounds[SUSTAINED].stray).toBe(0);
		const reports = DEVICES * (SUSTAINED + 1);
		expect({ replies: out.cloudReplies, accepted: out.cloudAccepted, rejected: out.cloudRejected, events: out.violationEvents }).toEqual({ replies: reports, accepted: reports, rejected: 0, events: reports });
		expect(out.audit).toEqual({ delivered: reports, evaluated: reports, failed: 0, missing: 0 });
		expect({ broker: out.brokerReports, things: out.brokerThings, mismatched: out.mismatched }).toEqual({ broker: reports, things: DEVICES, mismatched: [] });
		expect(out.logs.filter((l) => !l.startsWith("detect: ") && !l.startsWith("broker: external"))).toEqual([]);
		expect(out.logs.filter((l) => /REPORT|plugin:/.test(l))).toEqual([]);
	}, 120_000);
});
