/* The console's in-memory activity: a ring of the last reports per thing, and a global byte budget on report details so memory stays bounded however many things report. */
import { describe, expect, it } from "vitest";
import { Activity, REPORT_RING } from "../../cloud/console/activity";
import { accepted, rejected } from "../../cloud/reports/replies";

const payload = (n: number): Buffer => Buffer.from(JSON.stringify({ hed: { rid: n, v: "1.0" }, met: { ns: { bo: n } } }).padEnd(1000, " "));

function feed(a: Activity, thing: string, rid: number, ok = true): void {
	const reply = ok ? accepted(thing, "json", rid, rid) : rejected(thing, "json", rid, "Throttled", "too soon", rid);
	a.report({ thing, format: "json", payload: payload(rid), time: rid, reply, values: ok ? new Map([["aws:all-bytes-out", { count: rid }]]) : undefined });
}

describe("console activity", () => {
	it("keeps the last reports of each thing with their replies, oldest first", () => {
		const a = new Activity();
		for (let i = 1; i <= REPORT_RING + 5; i++) feed(a, "t", i, i % 2 === 0);
		const reports = a.get("t")?.reports ?? [];
		expect(reports.map((r) => r.reportId)).toEqual(Array.from({ length: REPORT_RING }, (_, i) => i + 6));
		expect(reports.at(-1)).toMatchObject({ status: "REJECTED", errorCode: "Throttled", errorMessage: "too soon", size: 1000 });
		expect(reports.at(-2)).toMatchObject({ status: "ACCEPTED", metrics: { "aws:all-bytes-out": { count: 14 } } });
		expect(a.get("t")).toMatchObject({ reportsAccepted: 7, reportsRejected: 8 });
	});

	it("strips the oldest details anywhere once the budget is exceeded, keeping every summary", () => {
		const a = new Activity(20_000);
		for (let t = 0; t < 100; t++) feed(a, `thing-${t}`, t + 1);
		expect(a.detailBytes).toBeLessThanOrEqual(20_000);
		expect(a.detailBytes).toBeGreaterThan(15_000);
		const first = a.get("thing-0")?.reports[0];
		expect(first).toMatchObject({ reportId: 1, status: "ACCEPTED", payload: { data: "", truncated: true } });
		expect(first?.metrics).toBeUndefined();
		const last = a.get("thing-99")?.reports[0];
		expect(last?.payload.data).toHaveLength(1000);
		expect(last?.metrics).toEqual({ "aws:all-bytes-out": { count: 100 } });
	});

	it("stops counting a report's detail when it leaves its ring", () => {
		const a = new Activity();
		for (let i = 1; i <= REPORT_RING; i++) feed(a, "t", i);
		const full = a.detailBytes;
		for (let i = REPORT_RING + 1; i <= 5 * REPORT_RING; i++) feed(a, "t", i);
		// the same ten reports held (ids have more digits now)
		expect(a.detailBytes).toBeGreaterThanOrEqual(full);
		expect(a.detailBytes).toBeLessThan(full + 20 * REPORT_RING);
	});
});
