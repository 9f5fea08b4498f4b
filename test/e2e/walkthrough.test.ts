/*
 * npm start: the seed walkthrough, end to end in virtual time — cloud, device, rogue traffic, alarm.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("walkthrough (npm start)", () => {
	it("raises both seed violations with alerts once rogue mode is on, clears them after, and exits 0", () => {
		const data = mkdtempSync(join(tmpdir(), "walkthrough-test-"));
		const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/walkthrough.ts", "--data", data, "--format", "cbor"], {
			encoding: "utf8",
			timeout: 150_000,
		});
		expect(r.stderr).toBe("");
		expect(r.status).toBe(0);
		const out = r.stdout;
		expect(out).toMatch(/2 reports accepted, no violation/);
		expect(out).toMatch(/violations raised: (msgReceive, bytesOut|bytesOut, msgReceive)/);
		expect(out).toMatch(/cleared: /);
		const alerts = readFileSync(join(data, "alerts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
		const kinds = alerts.map((a) => `${a.behavior.name}:${a.violationEventType}`).sort();
		expect(kinds).toEqual(["bytesOut:alarm-cleared", "bytesOut:in-alarm", "msgReceive:alarm-cleared", "msgReceive:in-alarm"]);
		for (const a of alerts) {
			expect(a).toMatchObject({ thingName: "MyDevice", securityProfileName: "CheckRogueDevices" });
			expect(typeof a.violationEventTime).toBe("number");
			expect(typeof a.violationId).toBe("string");
		}
		const bytesOut = alerts.find((a) => a.behavior.name === "bytesOut" && a.violationEventType === "in-alarm");
		expect(bytesOut.metricValue.count).toBeGreaterThanOrEqual(10_000);
	});
});
