/*
 * The Linux agent end to end: the host device reporting from the kernel-counter driver (loopback,
 * where the cloud listens) to the self-hosted cloud. Same agent, MQTT and id rules as the firmware:
 * every report accepted, and nothing lost between the kernel's counters and the accepted reports.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud } from "../../cloud/index";
import type { Cloud } from "../../cloud/index";
import { startDevice } from "../../hardware/host/device";
import { LinuxNetDriver } from "../../hardware/host/linux/linux-driver";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { running } from "../helpers/agent-e2e";

let dir: string;
let cloud: Cloud;
const clock = new VirtualClock();
const bytesOutAccepted = new Map<number, number>();

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "linux-agent-"));
	cloud = await startCloud({ pkiDir: dir, port: 0, clock, log: () => {} });
	cloud.onReply((r) => {
		if (r.body.status === "ACCEPTED") bytesOutAccepted.set(r.body.reportId as number, cloud.metrics(r.body.thingName).lastReport?.["aws:all-bytes-out"]?.count as number);
	});
});

afterAll(async () => {
	await cloud?.stop();
});

describe("the Linux agent against the self-hosted cloud", () => {
	it("reports the kernel's lo counters and the machine's sockets; accepted + pending = what the kernel counted", async () => {
		const f = cloud.issueThingCertificate("Gateway");
		const netDriver = new LinuxNetDriver({ interfaces: ["lo"] });
		const d = await startDevice({
			thingName: "Gateway", host: "127.0.0.1", port: cloud.port, ca: readFileSync(f.caPem), cert: readFileSync(f.certPem), key: readFileSync(f.keyPem),
			clock, storePath: join(dir, "gw.json"), netDriver,
		});
		expect(d.netDriver).toBe(netDriver);
		try {
			await clock.runUntil(() => d.status.sent >= 2 && !d.status.awaitingReply, 1_000_000, running(d));
			expect(d.status).toMatchObject({ sent: 2, accepted: 2, rejected: 0, timedOut: 0 });
			const last = cloud.metrics("Gateway").lastReport ?? {};
			// the device's own MQTT connection is established both ways on this machine, the cloud listens
			expect(last["aws:num-established-tcp-connections"]?.count).toBeGreaterThanOrEqual(2);
			expect(last["aws:num-listening-tcp-ports"]?.count).toBeGreaterThanOrEqual(1);
			const sum = [...bytesOutAccepted.values()].reduce((a, b) => a + b, 0);
			expect(sum).toBeGreaterThan(0);
			d.sampler.poll(clock.ticks());
			const totals = new Float64Array(4);
			netDriver.read(totals);
			const pending = d.sampler.pending({ bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 });
			// lo carries other traffic too, so the kernel is read around each poll: poll ≤ read ≤ poll ≤ read
			expect(sum + pending.bytesOut).toBeLessThanOrEqual(totals[1]);
			d.sampler.poll(clock.ticks());
			const after = d.sampler.pending({ bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 });
			const again = new Float64Array(4);
			netDriver.read(again);
			expect(sum + after.bytesOut).toBeGreaterThanOrEqual(totals[1]);
			expect(sum + after.bytesOut).toBeLessThanOrEqual(again[1]);
		} finally {
			await d.stop();
		}
	});
});
