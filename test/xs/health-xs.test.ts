import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXS } from "./xs-harness";
import type { XSWorker } from "./xs-harness";
import { healthScenario } from "./entries/health-entry";
import type { ReportFormat } from "../../modules/report/report";

let xs: XSWorker;

beforeAll(async () => {
	xs = await startXS(new URL("./entries/health-entry.ts", import.meta.url));
});
afterAll(async () => {
	await xs.close();
});

/** The agent's slot budget on the device (test/xs/agent-xs.test.ts), now with every health metric on. */
const SLOT_BUDGET = 300;

describe("health metrics on XS", () => {
	it.each(["json", "json-short", "cbor"] as ReportFormat[])("%s: the reports with every health metric are byte-for-byte Node's", async (format) => {
		const { result } = await xs.call<ReturnType<typeof healthScenario>>("healthScenario", format, 3);
		const node = healthScenario(format, 3);
		expect(result).toEqual(node);
		expect(node.registration.registered).toHaveLength(8);
		expect(node.payloads.length).toBeGreaterThanOrEqual(3);
	});

	it(`the agent with every health metric on still holds at most ${SLOT_BUDGET} slots and does not grow with reports`, async () => {
		const fresh = await startXS(new URL("./entries/health-entry.ts", import.meta.url));
		try {
			await fresh.call("keepFakes");
			const fakes = await fresh.heapCount();
			await fresh.call("keepAgent", "cbor");
			const idle = await fresh.heapCount();
			await fresh.call("more", 5);
			const after5 = await fresh.heapCount();
			await fresh.call("more", 20);
			const after25 = await fresh.heapCount();
			process.stdout.write(`agent + 8 health metrics, slots on XS (fresh worker, fakes and sampler excluded; no other custom metric): ${idle - fakes} idle, ${after5 - fakes} after 5 reports, ${after25 - fakes} after 25; bundle ${fresh.bundleBytes} bytes\n`);
			expect(after25 - fakes).toBeLessThanOrEqual(SLOT_BUDGET);
			expect(after25).toBe(after5);
		} finally {
			await fresh.close();
		}
	});
});
