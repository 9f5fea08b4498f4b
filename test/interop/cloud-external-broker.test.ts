/*
 * The cloud against an external broker: a real mosquitto with the generated config + ACL, Detect as the
 * privileged subscriber `defender-detect`, the real host device on a virtual clock with the seed profile.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud, type Reply } from "../../cloud/index";
import { startDevice, type Device } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import type { ReportFormat } from "../../modules/report/report";
import { realUntil, running } from "../helpers/agent-e2e";
import { startCloudMosquitto, type Mosquitto } from "../helpers/mosquitto";

let dir: string;
let pkiDir: string;
let mosquitto: Mosquitto;
let cloud: Cloud;
const clock = new VirtualClock();
const logs: string[] = [];
const replies: Reply[] = [];

beforeAll(async () => {
	({ dir, pkiDir, mosquitto } = await startCloudMosquitto({ things: ["MyDevice", "MyCborDevice", "Intruder"], allowTopics: ["/rogue/agent"], prefix: "cloud-external-" }));
	cloud = await startCloud({ pkiDir, dataDir: ":memory:", clock, broker: { url: `mqtts://127.0.0.1:${mosquitto.port}` }, log: (s) => logs.push(s) });
	cloud.onReply((r) => replies.push(r));
	cloud.createSecurityProfile(JSON.parse(readFileSync("profiles/CheckRogueDevices.json", "utf8")));
	cloud.attachSecurityProfile("CheckRogueDevices", cloud.allThingsArn);
}, 60_000);

afterAll(async () => {
	await cloud?.stop();
	await mosquitto?.stop();
	rmSync(dir, { recursive: true, force: true });
});

function device(thing: string, options: { format?: ReportFormat; rogue?: boolean } = {}): Promise<Device> {
	const f = cloud.issueThingCertificate(thing);
	return startDevice({
		thingName: thing, host: "127.0.0.1", port: mosquitto.port, ca: readFileSync(f.caPem), cert: readFileSync(f.certPem), key: readFileSync(f.keyPem),
		clock, storePath: join(dir, `${thing}.json`), ...options,
	});
}

function client(thing: string): Promise<MqttClient> {
	const f = cloud.issueThingCertificate(thing);
	return mqtt.connectAsync(`mqtts://127.0.0.1:${mosquitto.port}`, {
		clientId: thing, ca: readFileSync(f.caPem), cert: readFileSync(f.certPem), key: readFileSync(f.keyPem), rejectUnauthorized: true, reconnectPeriod: 0,
	});
}

const report = (id: number): string => JSON.stringify({ header: { report_id: id, version: "1.0" }, metrics: { network_stats: { bytes_in: 1, bytes_out: 1, packets_in: 1, packets_out: 1 } } });

describe("cloud with an external mosquitto", () => {
	it("says at start-up that the cloud-side metrics are unavailable, per behavior too", () => {
		expect(cloud.unavailableMetrics()).toEqual(expect.arrayContaining(["aws:num-messages-received", "aws:num-authorization-failures", "aws:source-ip-address"]));
		expect(cloud.unavailableMetrics()).not.toContain("aws:all-bytes-out");
		expect(logs.join("\n")).toContain("cloud-side metrics unavailable");
		expect(logs).toContain("detect: CheckRogueDevices/msgReceive uses aws:num-messages-received: unavailable with an external broker, not evaluated");
		expect(cloud.port).toBe(mosquitto.port);
	});

	for (const [thing, format] of [["MyDevice", "json-short"], ["MyCborDevice", "cbor"]] as const) {
		it(`${format}: MyDevice-like agent reports are accepted through mosquitto, replies in the report's encoding`, async () => {
			const d = await device(thing, { format });
			try {
				await clock.runUntil(() => d.status.sent >= 2 && !d.status.awaitingReply, 1_000_000, running(d));
				expect(d.status, `cloud said: ${logs.slice(-3).join(" | ")} / broker: ${mosquitto.output}`).toMatchObject({ sent: 2, accepted: 2, rejected: 0, timedOut: 0, badReplies: 0 });
				expect(cloud.metrics(thing).reportsAccepted).toBe(2);
				const mine = replies.filter((r) => r.body.thingName === thing);
				expect(mine.map((r) => [r.format, r.body.status])).toEqual([[format === "cbor" ? "cbor" : "json", "ACCEPTED"], [format === "cbor" ? "cbor" : "json", "ACCEPTED"]]);
				expect(cloud.metrics(thing)["aws:num-messages-sent"]).toBe(0);
			} finally {
				await d.stop();
			}
		});
	}

	it("rogue mode: the device-side bytesOut goes in-alarm; the cloud-side msgReceive is not evaluated", async () => {
		const d = await device("MyDevice", { rogue: true });
		try {
			const before = d.status.accepted;
			await clock.runUntil(() => d.status.accepted >= before + 1, 1_000_000, running(d));
			await clock.runFor(900_000, running(d));
			expect(d.status.rogue.received, "mosquitto delivered the rogue echoes").toBeGreaterThan(100);
			const active = cloud.listActiveViolations({ thingName: "MyDevice" });
			expect(active.map((v) => v.behavior.name)).toEqual(["bytesOut"]);
			expect(cloud.listViolationEvents({ thingName: "MyDevice" }).filter((e) => e.behavior.name === "msgReceive")).toEqual([]);
			expect(cloud.metrics("MyDevice")["aws:num-messages-received"]).toBe(0);
		} finally {
			await d.stop();
		}
	});

	it("a thing publishing on another thing's topic is refused by mosquitto (PUBACK, message dropped): Detect never sees it", async () => {
		const intruder = await client("Intruder");
		const owner = await client("MyDevice");
		try {
			await owner.subscribeAsync("$aws/things/MyDevice/defender/metrics/json/+", { qos: 1 });
			const ownerReply = new Promise<Buffer>((resolve) => owner.on("message", (_t, payload) => resolve(payload)));
			await intruder.publishAsync("$aws/things/MyDevice/defender/metrics/json", report(777_777), { qos: 1 });
			await owner.publishAsync("$aws/things/MyDevice/defender/metrics/json", report(888_888), { qos: 1 });
			expect(JSON.parse((await ownerReply).toString()).reportId).toBe(888_888);
			const again = await client("Intruder");
			await again.publishAsync("$aws/things/Intruder/defender/metrics/json", report(1), { qos: 1 });
			await realUntil(() => replies.some((r) => r.body.thingName === "Intruder"), 5000, "Detect to answer the intruder's own report");
			await again.endAsync(true);
			expect(replies.find((r) => r.body.thingName === "Intruder")?.body.status).toBe("ACCEPTED");
			expect(replies.filter((r) => r.body.reportId === 777_777)).toEqual([]);
			expect(logs.filter((l) => l.includes("777777"))).toEqual([]);
		} finally {
			await intruder.endAsync(true);
			await owner.endAsync(true);
		}
	});
});
