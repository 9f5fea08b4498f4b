/*
 * A smaller run of scripts/fuzz-mqtt.ts in CI: 20,000 random and mutated frames, no throw, no hang,
 * and the mutations really reach both packets and errors.
 */
import { expect, it } from "vitest";
import { fuzzMqtt } from "../helpers/mqtt-fuzz";

it("survives 20,000 random and mutated frames without a throw or a hang", () => {
	const r = fuzzMqtt(20_000, 12345);
	expect(r.throws).toBe(0);
	expect(r.hangs).toBe(0);
	expect(r.frames).toBe(20_000);
	expect(r.packets).toBeGreaterThan(500);
	expect(Object.keys(r.statuses).length).toBeGreaterThan(8);
});
