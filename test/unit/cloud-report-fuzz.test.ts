/*
 * A bounded, seeded share of the report fuzz (bench/report-fuzz.bench.ts runs a million): mutated reports
 * through the cloud's decodeReport never throw anything but DecodeError, never hang, and every report
 * accepted passes the independent oracle (test/helpers/report-oracle.ts).
 */
import { describe, expect, it } from "vitest";
import { ALL_CASES } from "../fixtures/report-cases";
import { retime, runReportFuzz } from "../helpers/report-fuzz";
import { garbageReason } from "../helpers/report-oracle";

describe("cloud report fuzz", () => {
	it("the oracle refuses every malformed case (so it can catch garbage)", () => {
		const missed = ALL_CASES.filter((c) => c.verdict === "rejected" && garbageReason(c.format, c.payload, c.reportId ?? 1) === undefined);
		expect(missed.map((c) => `${c.format} ${c.name}`)).toEqual([]);
	});

	it("20,000 seeded mutations: no uncaught throw, no hang, no accepted garbage, no valid report refused", () => {
		const counts = runReportFuzz(20_000, 0x8a11ce, true);
		expect(counts.examples).toEqual([]);
		expect(counts.threw).toBe(0);
		expect(counts.garbage).toBe(0);
		expect(counts.overRejected).toBe(0);
		expect(counts.rejected + counts.accepted).toBe(20_000);
		expect(counts.accepted).toBeGreaterThan(100);
		// no hang: the whole run is bounded by the test timeout; the slowest input, decoded again, is quick
		expect(counts.slowest && retime(counts.slowest)).toBeLessThan(50);
	}, 120_000);
});
