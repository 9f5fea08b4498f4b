/*
 * The plugin's broker-side report count (issue 16): the `reports` deltas of the counters batches add up per
 * thing and go to the ReportAudit; a count Detect did not match within the grace period logs the loud
 * "REPORTS LOST" line and raises `missing`; a count Detect matched does neither.
 */
import { describe, expect, it } from "vitest";
import { PluginMetrics, parsePluginBatch } from "../../cloud/broker/plugin-metrics";
import { ReportAudit } from "../../cloud/broker/report-audit";
import type { BrokerHooks } from "../../cloud/broker/server";

const noHooks: BrokerHooks = {
	connectAttempt: () => {}, connected: () => {}, disconnected: () => {}, authorizationFailure: () => {}, fromDevice: () => {}, toDevice: () => {}, report: () => {},
};

const batch = (thing: string, reports: number): [string, Buffer] => [
	"$defender/metrics/batch",
	Buffer.from(JSON.stringify([{ thing, sent: reports, bytes: reports * 10, minSize: 10, maxSize: 10, received: 0, authorizationFailures: 0, connectionAttempts: 0, connects: 0, disconnects: 0, reports, online: true, ip: "127.0.0.1" }])),
];

function setup(): { logs: string[]; audit: ReportAudit; metrics: PluginMetrics; advance: (ms: number) => void } {
	let now = 1_000;
	const logs: string[] = [];
	const audit = new ReportAudit((s) => logs.push(s), () => now, 30_000);
	return { logs, audit, metrics: new PluginMetrics(noHooks, (s) => logs.push(s), audit), advance: (ms) => void (now += ms) };
}

describe("broker-side report count from the plugin", () => {
	it("deltas add up per thing and reach the audit", () => {
		const { audit, metrics } = setup();
		metrics.handle(...batch("A", 2));
		metrics.handle(...batch("A", 3));
		metrics.handle(...batch("B", 1));
		expect([metrics.brokerReports("A"), metrics.brokerReports("B")]).toEqual([5, 1]);
		expect(audit.counts("A").broker).toBe(5);
		expect(audit.counts("B").broker).toBe(1);
	});

	it("a broker count Detect did not evaluate within the grace period: REPORTS LOST, once, and `missing`", () => {
		const { logs, audit, metrics, advance } = setup();
		for (let i = 0; i < 2; i++) audit.deliver("A", () => {});
		metrics.handle(...batch("A", 3));
		advance(29_999);
		expect(audit.check()).toEqual([]);
		expect(logs).toEqual([]);
		advance(1);
		expect(audit.check()).toHaveLength(1);
		expect(logs).toEqual(["REPORTS LOST: A: the broker received 3 reports, Detect evaluated 2 (1 more missing, 1 in all)"]);
		expect(audit.counts("A")).toMatchObject({ broker: 3, evaluated: 2, missing: 1 });
		expect(audit.totals().missing).toBe(1);
		advance(60_000);
		audit.check();
		expect(logs).toHaveLength(1);
	});

	it("a count Detect caught up with in time is no loss", () => {
		const { logs, audit, metrics, advance } = setup();
		metrics.handle(...batch("A", 2));
		audit.deliver("A", () => {});
		audit.deliver("A", () => {});
		advance(31_000);
		expect(audit.check()).toEqual([]);
		expect(logs).toEqual([]);
		expect(audit.counts("A")).toMatchObject({ broker: 2, evaluated: 2, missing: 0 });
	});

	it("a batch entry without a report count, or with more reports than messages, is refused", () => {
		const entry = JSON.parse(batch("A", 1)[1].toString())[0];
		const without = { ...entry, reports: undefined };
		expect(parsePluginBatch("$defender/metrics/batch", Buffer.from(JSON.stringify([without]))).problems).toEqual([expect.stringContaining("reports must be a non-negative integer")]);
		expect(parsePluginBatch("$defender/metrics/batch", Buffer.from(JSON.stringify([{ ...entry, reports: 2 }]))).problems).toEqual([expect.stringContaining("more reports than messages")]);
	});
});
