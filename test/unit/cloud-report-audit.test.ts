/* ReportAudit: Detect-side delivered/evaluated counts, loud failures, and the seam for a broker-side count. */
import { describe, expect, it } from "vitest";
import { ReportAudit } from "../../cloud/broker/report-audit";

function audit(): { a: ReportAudit; logs: string[]; clock: { t: number } } {
	const logs: string[] = [];
	const clock = { t: 0 };
	return { a: new ReportAudit((s) => logs.push(s), () => clock.t, 1000), logs, clock };
}

describe("report audit", () => {
	it("counts delivered and evaluated reports per thing", () => {
		const { a, logs } = audit();
		a.deliver("T", () => {});
		a.deliver("T", () => {});
		a.deliver("U", () => {});
		expect(a.counts("T")).toEqual({ thing: "T", delivered: 2, evaluated: 2, failed: 0, missing: 0 });
		expect(a.totals()).toEqual({ delivered: 3, evaluated: 3, failed: 0, missing: 0 });
		expect(logs).toEqual([]);
	});

	it("a report Detect could not evaluate is counted and logged loudly at once", () => {
		const { a, logs } = audit();
		a.deliver("T", () => {
			throw new Error("store is closed");
		});
		expect(a.counts("T")).toMatchObject({ delivered: 1, evaluated: 0, failed: 1 });
		expect(logs).toEqual(["REPORT LOST: T: Detect could not evaluate a delivered report: store is closed"]);
	});

	it("a broker count Detect has not caught up with after the grace period is a loss: one log line, the missing metric", () => {
		const { a, logs, clock } = audit();
		a.deliver("T", () => {});
		a.brokerCount("T", 3);
		expect(a.check()).toEqual([]);
		clock.t = 500;
		a.deliver("T", () => {});
		expect(a.check()).toEqual([]);
		clock.t = 1000;
		expect(a.check()).toEqual([{ thing: "T", broker: 3, delivered: 2, evaluated: 2, failed: 0, missing: 1 }]);
		expect(a.check()).toEqual([]);
		expect(logs).toEqual(["REPORTS LOST: T: the broker received 3 reports, Detect evaluated 2 (1 more missing, 1 in all)"]);
		expect(a.totals().missing).toBe(1);
	});

	it("no loss when Detect catches up within the grace period", () => {
		const { a, logs, clock } = audit();
		a.brokerCount("T", 2);
		a.deliver("T", () => {});
		a.deliver("T", () => {});
		clock.t = 5000;
		expect(a.check()).toEqual([]);
		expect(a.counts("T")).toMatchObject({ broker: 2, evaluated: 2, missing: 0 });
		expect(logs).toEqual([]);
	});
});
