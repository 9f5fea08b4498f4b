import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXS } from "./xs-harness";
import type { XSWorker } from "./xs-harness";
import { samplerScript, traceSamplerScript } from "../fixtures/scripted-driver";
import type { SamplerStep } from "../fixtures/scripted-driver";

let xs: XSWorker;

beforeAll(async () => {
	xs = await startXS(new URL("./entries/core-entry.ts", import.meta.url));
});
afterAll(async () => {
	await xs.close();
});

describe("sampler on XS", () => {
	it.each([2, 4, 32])("replays the scripted driver sequence with capacity %i exactly as Node", async (capacity) => {
		const { result } = await xs.call<number[][]>("samplerTrace", capacity);
		expect(result).toEqual(traceSamplerScript(capacity));
		expect(result).toHaveLength(samplerScript.length);
	});

	it("agrees on a long pseudo-random sequence of wraps, restarts and acknowledgements", async () => {
		const script: SamplerStep[] = [];
		let seed = 12345;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
		for (let i = 0; i < 300; i++) {
			const r = next() % 10;
			script.push({ add: [next() * 2, next(), next() % 5000, next() % 100], restart: r === 0, poll: i * 1000, ack: r === 1 });
		}
		const { result } = await xs.call<number[][]>("samplerTrace", 5, script);
		expect(result).toEqual(traceSamplerScript(5, script));
	});
});
