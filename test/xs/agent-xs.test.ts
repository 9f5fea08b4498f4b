import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXS } from "./xs-harness";
import type { XSWorker } from "./xs-harness";
import { scenario } from "../helpers/agent-scenario";
import type { ReportFormat } from "../../modules/report/report";

let xs: XSWorker;

beforeAll(async () => {
	xs = await startXS(new URL("./entries/agent-entry.ts", import.meta.url));
});
afterAll(async () => {
	await xs.close();
});

/**
 * Slot budget of the whole agent on the device. XS's heap count after gc does not drop back when
 * objects die, so it is measured in a fresh worker as the growth from building the agent on its fakes
 * and running reports: an upper bound of the agent's live slots.
 */
const SLOT_BUDGET = 300;

describe("agent on XS", () => {
	it.each(["json", "json-short", "cbor"] as ReportFormat[])("%s: publishes byte-for-byte what Node publishes and ends in the same status", async (format) => {
		const { result } = await xs.call<ReturnType<typeof scenario>>("scenario", format);
		const node = scenario(format);
		expect(result).toEqual(node);
		expect(node.payloads).toHaveLength(6);
	});

	it(`a running agent holds at most ${SLOT_BUDGET} slots and does not grow with reports`, async () => {
		const fresh = await startXS(new URL("./entries/agent-entry.ts", import.meta.url));
		try {
			await fresh.call("keepFakes");
			const fakes = await fresh.heapCount();
			await fresh.call("keepAgent", "cbor", 0);
			const idle = await fresh.heapCount();
			await fresh.call("more", 5);
			const after5 = await fresh.heapCount();
			await fresh.call("more", 20);
			const after25 = await fresh.heapCount();
			process.stdout.write(`agent slots on XS (fresh worker, fakes and sampler excluded): ${idle - fakes} idle, ${after5 - fakes} after 5 reports, ${after25 - fakes} after 25; bundle ${fresh.bundleBytes} bytes\n`);
			expect(after25 - fakes).toBeLessThanOrEqual(SLOT_BUDGET);
			expect(after25).toBe(after5);
		} finally {
			await fresh.close();
		}
	});
});
