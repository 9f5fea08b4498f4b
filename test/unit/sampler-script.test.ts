import { describe, expect, it } from "vitest";
import { samplerScript, traceSamplerScript } from "../fixtures/scripted-driver";

describe("sampler scripted run (the sequence the XS lane replays)", () => {
	it("ends with only the wrap-sized last poll pending after the second acknowledgement", () => {
		const trace = traceSamplerScript(4);
		expect(trace).toHaveLength(samplerScript.length);
		const last = trace[trace.length - 1];
		expect(last.slice(0, 5)).toEqual([1, 4294967295, 4294967295, 4294967295, 4294967295]);
		expect(last.slice(5)).toEqual([11000, 4294967295, 4294967295, 4294967295, 4294967295]);
	});

	it("records the wrapped deltas exactly at step 3", () => {
		const row = traceSamplerScript(4)[2];
		expect(row.slice(0, 5)).toEqual([3, 1000 + 4294967000 + 500, 200 + 4294967295, 13, 8]);
	});

	it("folds past capacity: pending before the second acknowledgement covers all five polls since the first", () => {
		const row = traceSamplerScript(4)[9];
		expect(row[0]).toBe(4);
		expect(row.slice(1, 5)).toEqual([300 + 1 + 10 + 100 + 5, 30 + 2 + 20 + 200 + 5, 3 + 3 + 30 + 300 + 5, 3 + 4 + 40 + 400 + 5]);
	});
});
