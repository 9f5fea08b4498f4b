/* ListActiveViolations / ListViolationEvents filters (in memory and in SQL), and the store's metric history and restart data. */
import { join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StateRecord, ViolationEvent } from "../../cloud/detect/engine";
import type { SecurityProfile } from "../../cloud/detect/profile";
import { ensureCa, ensureServerCertificate } from "../../cloud/pki";
import { CloudStore, type EventQuery } from "../../cloud/store";
import { activeViolations } from "../../cloud/violations";
import { tempDir } from "../helpers/cloud-setup";

const profile: SecurityProfile = {
	securityProfileName: "p",
	behaviors: [
		{ name: "loud", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 1 } } },
		{ name: "quiet", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 } }, suppressAlerts: true },
		{ name: "stat", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", statisticalThreshold: { statistic: "p90" }, durationSeconds: 300 } },
	],
};
const state = (behavior: string, thing: string, inAlarm = true): StateRecord => ({
	profile: "p",
	behavior,
	thing,
	state: { inAlarm, violating: 0, conforming: 0, violationId: `${behavior}-${thing}`, violationStartTime: 5, lastViolationValue: { count: 9 }, lastViolationTime: 6 },
});
const ev = (behavior: string, thing: string, time: number): ViolationEvent => ({
	violationId: "v",
	thingName: thing,
	securityProfileName: "p",
	behavior: profile.behaviors!.find((b) => b.name === behavior)!,
	violationEventType: "in-alarm",
	violationEventTime: time,
});

describe("cloud violations", () => {
	const states = [state("loud", "a"), state("quiet", "b"), state("stat", "a"), state("loud", "c", false)];
	const find = (n: string) => (n === "p" ? profile : undefined);

	it("lists only alarms, with AWS's filters", () => {
		expect(activeViolations(states, find).map((v) => v.violationId)).toEqual(["loud-a", "quiet-b", "stat-a"]);
		expect(activeViolations(states, find, { thingName: "a" }).map((v) => v.violationId)).toEqual(["loud-a", "stat-a"]);
		expect(activeViolations(states, find, { listSuppressedAlerts: false }).map((v) => v.violationId)).toEqual(["loud-a", "stat-a"]);
		expect(activeViolations(states, find, { behaviorCriteriaType: "STATISTICAL" }).map((v) => v.violationId)).toEqual(["stat-a"]);
		expect(activeViolations(states, find, { securityProfileName: "other" })).toEqual([]);
		expect(activeViolations([{ ...state("gone", "a"), profile: "deleted" }], find)[0].behavior).toEqual({ name: "gone" });
	});

	it("queries the stored event history with AWS's filters, a time window and pages", () => {
		const s = new CloudStore(":memory:");
		for (const e of [ev("loud", "a", 10), ev("quiet", "a", 20), ev("loud", "b", 30), ev("stat", "b", 40)]) s.appendEvent(e);
		const times = (q: EventQuery): number[] => s.violationEvents(q).violationEvents.map((e) => e.violationEventTime);
		expect(times({ startTime: 15, endTime: 30 })).toEqual([20]);
		expect(times({ listSuppressedAlerts: false })).toEqual([10, 30, 40]);
		expect(times({ thingName: "b", behaviorCriteriaType: "STATIC" })).toEqual([30]);
		expect(times({ behaviorCriteriaType: "STATISTICAL" })).toEqual([40]);
		expect(times({ securityProfileName: "other" })).toEqual([]);
		const first = s.violationEvents({ maxResults: 3 });
		expect([first.violationEvents.length, times({ maxResults: 3, nextToken: first.nextToken })]).toEqual([3, [40]]);
		expect(s.violationEvents({ maxResults: 4 }).nextToken).toBeUndefined();
		expect(() => s.violationEvents({ nextToken: "x" })).toThrow(/nextToken/);
		expect(() => s.violationEvents({ maxResults: 0 })).toThrow(/maxResults must be an integer 1..1000/);
		expect(() => s.violationEvents({ maxResults: 1001 })).toThrow(/maxResults/);
		s.close();
	});
});

describe("cloud store and pki files", () => {
	it("keeps metric history by range, prunes whole hours past retention, and round-trips states, gates and last-seen times", () => {
		const dir = tempDir();
		const s = new CloudStore(join(dir, "data"));
		const H = 3_600_000;
		const key = "p\u0000loud\u0000a";
		s.writeBatch({
			states: [[key, state("loud", "a")]],
			seen: [["a", 7]],
			gates: [["a", { lastReportId: 3, lastAcceptedAt: 4 }]],
			metrics: [
				{ thing: "a", metric: "m", time: 1, value: { count: 1 } },
				{ thing: "a", metric: "n", time: 1, value: { ports: [443] } },
				{ thing: "a", metric: "m", time: H + 2, value: { count: 2 } },
				{ thing: "a", metric: "m", time: H + 2, value: { number: 2.5 } },
			],
			events: [],
		});
		expect(s.metricValues("a", "m", 2)).toEqual([
			{ timestamp: H + 2, value: { count: 2 } },
			{ timestamp: H + 2, value: { number: 2.5 } },
		]);
		expect(s.metricValues("a", "n")).toEqual([{ timestamp: 1, value: { ports: [443] } }]);
		expect(s.lastReport("a", () => true)).toEqual({ m: { number: 2.5 } });
		expect(s.pruneMetrics(H + 3, 10)).toBe(1);
		expect(s.pruneMetrics(H + 3, 10)).toBe(0);
		expect(s.metricValues("a", "m")).toHaveLength(2);
		expect(s.metricValues("a", "n")).toEqual([]);
		s.close();
		const reopened = new CloudStore(join(dir, "data"));
		expect([reopened.loadStates(), reopened.loadSeen(), reopened.loadGate("a")]).toEqual([[state("loud", "a")], [["a", 7]], { lastReportId: 3, lastAcceptedAt: 4 }]);
		reopened.writeBatch({ states: [[key, undefined]], seen: [], gates: [], metrics: [], events: [] });
		reopened.close();
		const again = new CloudStore(join(dir, "data"));
		// last-seen times are read at start only for things with a stored state (the only ones Detect needs)
		expect([again.loadStates(), again.loadSeen(), again.loadGates().get("a")]).toEqual([[], [], { lastReportId: 3, lastAcceptedAt: 4 }]);
		again.close();
	});

	it("creates the CA and the broker certificate once", () => {
		const dir = tempDir();
		const ca = ensureCa(dir);
		const pem = readFileSync(ca.certPem, "utf8");
		const server = ensureServerCertificate(dir);
		expect(existsSync(server.keyPem)).toBe(true);
		expect(readFileSync(ensureCa(dir).certPem, "utf8")).toBe(pem);
		expect(ensureServerCertificate(dir)).toEqual(server);
	});
});
