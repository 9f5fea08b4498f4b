import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateSecurityProfile } from "../../cloud/detect/validate";
import { registerHealth } from "../../modules/health/health";

const profile = JSON.parse(readFileSync(join(__dirname, "../../profiles/DeviceHealth.json"), "utf8"));

describe("profiles/DeviceHealth.json", () => {
	it("is a valid security profile", () => {
		expect(validateSecurityProfile(profile)).toEqual([]);
	});

	it("watches only metrics the health module reports, with their kinds", () => {
		const kinds = new Map<string, string>();
		const all = { heap: true, xsHeap: true, rssi: true, uptime: true, reboots: true };
		const one = () => 1;
		registerHealth({ addNumber: (n) => kinds.set(n, "number"), addStringList: (n) => kinds.set(n, "strings") }, all, { freeHeap: one, minFreeHeap: one, xsSlotBytes: one, xsChunkBytes: one, rssi: one, uptimeSeconds: one, reboots: one, resetReason: () => "x" });
		for (const b of profile.behaviors as { metric: string; criteria: { value: Record<string, unknown> } }[]) {
			expect(kinds.get(b.metric), b.metric).toBe(Object.keys(b.criteria.value)[0]);
		}
	});
});
