import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rig } from "../helpers/agent-setup";
import type { Rig } from "../helpers/agent-setup";

type Outcome = "accept" | "acceptLate" | "throttled" | "invalid" | "timeout" | "offline" | "refused" | "noIdReject";

const outcomes: Outcome[] = ["accept", "acceptLate", "throttled", "invalid", "timeout", "offline", "refused", "noIdReject"];

/** Advances 10 s at a time until the agent reaches its next report time; returns the new report's id if one was published. */
function untilReportTime(r: Rig): number | undefined {
	const s = r.agent.status;
	const before = s.sent + s.skippedOffline + s.publishFailures;
	for (let i = 0; i < 100 && s.sent + s.skippedOffline + s.publishFailures === before; i++) r.clock.advance(10_000);
	return s.sent + s.skippedOffline + s.publishFailures > before && s.awaitingReply ? s.lastReportId : undefined;
}

describe("agent conservation", () => {
	it("sum of bytes over accepted reports equals what the driver counted, whatever the replies", () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ traffic: fc.array(fc.nat(5_000_000), { maxLength: 4 }), outcome: fc.constantFrom(...outcomes) }), { maxLength: 25 }),
				fc.constantFrom("json", "json-short", "cbor" as const),
				(rounds, format) => {
					const r = rig({ format }, { counterBits: 32 });
					r.driver.traffic(2 ** 32 - 1000, 2 ** 32 - 10);
					r.agent.start();
					r.clock.advance(10_000);
					let counted = 2 ** 32 - 10;
					let acceptedBytes = 0;
					const accepted = (id: number) => {
						const d = r.reports().find((x) => x.id === id);
						acceptedBytes += d?.bytesOut ?? 0;
					};
					const ids: number[] = [];
					for (const round of rounds) {
						for (const t of round.traffic) {
							r.driver.traffic(t, t);
							counted += t;
							r.clock.advance(7_000);
						}
						r.mqtt.connected = round.outcome !== "offline";
						r.mqtt.accept = round.outcome !== "refused";
						const id = untilReportTime(r);
						r.mqtt.connected = true;
						r.mqtt.accept = true;
						if (id === undefined) continue;
						ids.push(id);
						if (round.outcome === "accept") {
							r.reply("ACCEPTED", id);
							accepted(id);
						} else if (round.outcome === "acceptLate") {
							r.clock.advance(31_000);
							r.reply("ACCEPTED", id);
							accepted(id);
						} else if (round.outcome === "throttled") r.reply("REJECTED", id, "Throttled");
						else if (round.outcome === "invalid") r.reply("REJECTED", id, "InvalidPayload");
						else if (round.outcome === "noIdReject") r.reply("REJECTED", undefined, "InvalidPayload");
					}
					const last = untilReportTime(r) as number;
					ids.push(last);
					r.reply("ACCEPTED", last);
					accepted(last);
					expect(acceptedBytes).toBe(counted);
					const s = r.agent.status;
					expect(s.accepted + s.rejected + s.timedOut).toBe(s.sent);
					for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
				},
			),
			{ numRuns: 60 },
		);
	});
});
