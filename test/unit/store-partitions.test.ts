/* Partitions of things (partition.ts), fair shares (pg-leases.ts) and the reports held for a takeover (held-reports.ts). */
import { describe, expect, it } from "vitest";
import { HeldReports, heldReportId } from "../../cloud/store/held-reports";
import { fairShare } from "../../cloud/store/pg-leases";
import { PARTITIONS, partitionOf } from "../../cloud/store/partition";

const topic = (thing: string): string => `$aws/things/${thing}/defender/metrics/json`;
const report = (rid: number): Buffer => Buffer.from(JSON.stringify({ hed: { rid, v: "1.0" }, met: {} }));

describe("partitions", () => {
	it("are stable FNV-1a values in 0..PARTITIONS-1 that spread things", () => {
		expect(partitionOf("")).toBe(0x811c9dc5 % PARTITIONS);
		expect(partitionOf("MyDevice")).toBe(partitionOf("MyDevice"));
		const used = new Set(Array.from({ length: 1000 }, (_, i) => partitionOf(`thing-${i}`)));
		expect([...used].every((p) => Number.isInteger(p) && p >= 0 && p < PARTITIONS)).toBe(true);
		expect(used.size).toBe(PARTITIONS);
	});

	it("are shared fairly among the live processes", () => {
		expect([1, 2, 3, 64, 100].map((n) => fairShare(n))).toEqual([64, 32, 22, 1, 1]);
		expect(fairShare(0)).toBe(64);
	});
});

describe("held reports", () => {
	it("hands over a partition's reports in order of receipt, forgets old ones, drops the oldest beyond the bound", () => {
		const held = new HeldReports(1_000, (t) => (t.startsWith("a") ? 1 : 2), 3);
		held.hold("a1", topic("a1"), report(1), 0);
		held.hold("b1", topic("b1"), report(2), 10);
		held.hold("a2", topic("a2"), report(3), 20);
		expect(held.take([1]).map((r) => r.thing)).toEqual(["a1", "a2"]);
		expect(held.size).toBe(1);
		held.trim(2_000);
		expect(held.size).toBe(0);
		for (let i = 0; i < 5; i++) held.hold("a", topic("a"), report(i), 3_000 + i);
		expect(held.dropped).toBe(2);
		const kept = held.take([1, 2]);
		expect(kept.map(heldReportId)).toEqual([2, 3, 4]);
	});

	it("reads the report id of a held report, or undefined when it does not decode", () => {
		expect(heldReportId({ thing: "a", topic: topic("a"), payload: report(42), at: 0 })).toBe(42);
		expect(heldReportId({ thing: "a", topic: topic("a"), payload: Buffer.from("not json"), at: 0 })).toBeUndefined();
		expect(heldReportId({ thing: "a", topic: "/other", payload: report(1), at: 0 })).toBeUndefined();
	});
});
