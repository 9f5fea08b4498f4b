import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevice } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { startResponderRig } from "../helpers/agent-responder";
import type { ResponderRig } from "../helpers/agent-responder";
import { running } from "../helpers/agent-e2e";

let rig: ResponderRig;

beforeAll(async () => {
	rig = await startResponderRig("health-host-");
});

afterAll(async () => {
	await rig?.close();
});

describe("health metrics from a host device (real mosquitto)", () => {
	it("reports heap, uptime and the reboot count from the store; names what the host cannot measure", { timeout: 120_000 }, async () => {
		const clock = new VirtualClock();
		const storePath = join(rig.dir, "device.json");
		rig.responder.decide = () => ({ status: "ACCEPTED" });
		const health = { heap: true, uptime: true, reboots: true, rssi: true };
		for (const boot of [1, 2]) {
			const device = await startDevice({ ...rig.connection(), format: "json", clock, storePath, health });
			try {
				expect(device.health).toEqual({ registered: ["heap_free", "heap_min_free", "uptime_s", "reboots"], missing: ["wifi_rssi", "reset_reason"] });
				const before = rig.responder.reports.length;
				await clock.runUntil(() => device.status.accepted >= 1, 1_000_000, running(device));
				const report = rig.responder.reports[before];
				const custom = report.doc.custom_metrics as Record<string, [{ number: number }]>;
				expect(Object.keys(custom).sort()).toEqual(["heap_free", "heap_min_free", "reboots", "uptime_s"]);
				expect(custom.reboots[0].number).toBe(boot);
				expect(custom.heap_free[0].number).toBeGreaterThan(0);
				expect(custom.heap_min_free[0].number).toBeLessThanOrEqual(custom.heap_free[0].number);
				expect(custom.uptime_s[0].number).toBeGreaterThanOrEqual(0);
			} finally {
				await device.stop();
			}
		}
	});
});
