/*
 * The one composition (modules/stack) runs on XS as on Node: the device's limits, a refused
 * SUBSCRIBE counted in the agent's status, a report of 60 connections cut to fit 4 KB.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXS } from "./xs-harness";
import type { XSWorker } from "./xs-harness";

let xs: XSWorker;

beforeAll(async () => {
	xs = await startXS(new URL("./entries/stack-entry.ts", import.meta.url));
});
afterAll(async () => {
	await xs.close();
});

describe("modules/stack on XS", () => {
	it("composes under the device's limits, counts a refused SUBSCRIBE and keeps the report within 4 KB", async () => {
		const { result } = await xs.call<{ limits: { maxPayload: number; maxInflight: number }; maxReportBytes: number; refused: number; last: string; published: number; reportBytes: number }>("run");
		expect(result.limits).toMatchObject({ maxPayload: 4096, maxInflight: 2 });
		expect(result.maxReportBytes).toBe(4096);
		expect(result.refused).toBe(1);
		expect(result.last).toBe("$aws/things/XsThing/defender/metrics/json/accepted");
		expect(result.published).toBe(1);
		expect(result.reportBytes).toBeGreaterThan(1000);
		expect(result.reportBytes).toBeLessThanOrEqual(4096 + 64);
	});
});
