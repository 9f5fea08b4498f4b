/*
 * The MQTT codec on the real XS engine gives the same bytes, packets and statuses as on Node,
 * and the fuzz run holds there too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXS } from "./xs-harness";
import type { XSWorker } from "./xs-harness";
import { GENERATE } from "../fixtures/mqtt-packets";
import * as node from "./mqtt-entry";

let xs: XSWorker;

beforeAll(async () => {
	xs = await startXS(new URL("./mqtt-entry.ts", import.meta.url));
});
afterAll(async () => {
	await xs.close();
});

describe("MQTT codec on XS", () => {
	it("encodes every fixture to the same bytes as Node (and as the fixture)", async () => {
		const { result } = await xs.call<Uint8Array[]>("encodeFixtures");
		expect(result.map((b) => Array.from(b))).toEqual(node.encodeFixtures().map((b) => Array.from(b)));
		expect(result.map((b) => Array.from(b))).toEqual(GENERATE.map((f) => f.bytes));
	});

	it.each([1, 2, 7, 1000])("parses the fixture stream in %i-byte chunks like Node", async (step) => {
		const { result } = await xs.call("parseFixtures", step);
		expect(result).toEqual(node.parseFixtures(step));
	});

	it("stops on every malformed fixture with the same status as Node", async () => {
		const { result } = await xs.call<string[]>("parseErrors");
		expect(result).toEqual(node.parseErrors());
	});

	it("survives the same fuzz frames with the same outcome", async () => {
		const { result } = await xs.call("fuzz", 3000, 99);
		expect(result).toEqual(node.fuzz(3000, 99));
		expect(result).toMatchObject({ throws: 0, hangs: 0 });
	});

	it("round-trips QoS 1 PUBLISH packets", async () => {
		const { result } = await xs.call<number>("roundTrip", 10, 100);
		expect(result).toBe(1000);
	});
});
