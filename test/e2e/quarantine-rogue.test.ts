/*
 * The seed story, mitigated: MyDevice in rogue mode (host agent, real TLS, virtual time) trips the seed
 * profile CheckRogueDevices; a StartDetectMitigationActionsTask (real @aws-sdk/client-iot) puts it into the
 * `quarantine` group, whose QuarantinePolicy leaves it only its reserved Defender topics. Within one
 * report interval of the task, nothing of /rogue/agent reaches the device any more and the cloud-side alarm
 * (msgReceive) clears; the device-side bytesOut clears once the device stops flooding (its bytes leave it
 * whatever the broker does with them).
 */
import { AttachPolicyCommand, CreateMitigationActionCommand, CreatePolicyCommand, IoTClient, StartDetectMitigationActionsTaskCommand } from "@aws-sdk/client-iot";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiCloud } from "../../cloud/api/api-cloud";
import { startCloud, thingGroupArn } from "../../cloud/index";
import { startDevice, type Device } from "../../hardware/host/device";
import { VirtualClock, pause } from "../../hardware/host/virtual-clock";
import { QUARANTINE_POLICY } from "../fixtures/quarantine-policy";

const THING = "MyDevice";
const INTERVAL_MS = 300_000;
const STEP_MS = 20_000;
let dir: string;
let clock: VirtualClock;
let cloud: ApiCloud;
let iot: IoTClient;
let device: Device;
let quarantined = false;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "quarantine-"));
	clock = new VirtualClock(Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - 1);
	cloud = await startCloud({ pkiDir: join(dir, "pki"), dataDir: join(dir, "db"), port: 0, clock, allowTopics: ["/rogue/agent"], api: { port: 0 }, log: () => {} });
	const api = cloud.api;
	if (!api) throw new Error("no API");
	iot = new IoTClient({ endpoint: api.url, region: "us-east-1", credentials: { ...api.accessKey }, maxAttempts: 1 });
	cloud.createThingGroup("allMyDevices");
	cloud.addThingToThingGroup(THING, "allMyDevices");
	const { securityProfileName } = cloud.createSecurityProfile(JSON.parse(readFileSync(resolve(import.meta.dirname, "../../profiles/CheckRogueDevices.json"), "utf8")));
	cloud.attachSecurityProfile(securityProfileName, thingGroupArn("allMyDevices"));
	cloud.createThingGroup("quarantine");
	await iot.send(new CreatePolicyCommand({ policyName: "QuarantinePolicy", policyDocument: QUARANTINE_POLICY }));
	await iot.send(new AttachPolicyCommand({ policyName: "QuarantinePolicy", target: thingGroupArn("quarantine") }));
	await iot.send(new CreateMitigationActionCommand({ actionName: "Quarantine", roleArn: "arn:aws:iam::000000000000:role/quarantine", actionParams: { addThingsToThingGroupParams: { thingGroupNames: ["quarantine"] } } }));
	const files = cloud.issueThingCertificate(THING);
	device = await startDevice({
		thingName: THING, host: "127.0.0.1", port: cloud.port, ca: readFileSync(files.caPem), cert: readFileSync(files.certPem), key: readFileSync(files.keyPem),
		format: "json-short", intervalSeconds: 300, clock, storePath: join(dir, "device.json"), rogue: true,
	});
});

afterAll(async () => {
	await device?.stop();
	iot?.destroy();
	await cloud?.stop();
	rmSync(dir, { recursive: true, force: true });
});

/** Virtual time stands still while a connection, a report's reply or (before quarantine) an echo is in flight. */
function inFlight(): boolean {
	const { client, agent } = device;
	return client.state === "connecting" || (client.connected && agent.status.awaitingReply) || (!quarantined && client.stats.messagesIn < client.stats.messagesOut);
}

async function drive(ms: number): Promise<void> {
	const settle = { hold: inFlight, maxHoldMs: 10_000, immediate: true };
	const end = clock.ticks() + ms;
	while (clock.ticks() < end) {
		clock.advance(STEP_MS);
		await pause(0);
		if (!(await clock.settle(settle))) throw new Error(`still in flight at ${clock.ticks()} virtual ms: ${JSON.stringify({ state: device.client.state, awaiting: device.agent.status.awaitingReply, out: device.client.stats.messagesOut, in: device.client.stats.messagesIn, active: active() })}`);
	}
}

const active = (): string[] => cloud.listActiveViolations({ thingName: THING }).map((v) => v.behavior.name).sort();

describe("the rogue device quarantined by a Detect mitigation task", () => {
	it("is cut off from /rogue/agent within one interval of the task: msgReceive clears, bytesOut once it stops sending", { timeout: 240_000 }, async () => {
		let waited = 0;
		while (!active().includes("msgReceive") && waited < 4 * INTERVAL_MS) {
			await drive(STEP_MS);
			waited += STEP_MS;
		}
		expect(active()).toContain("msgReceive");

		await iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "quarantine-rogue", target: { securityProfileName: "CheckRogueDevices" }, actions: ["Quarantine"], clientRequestToken: "q" }));
		quarantined = true;
		clock.advance(0);
		const atTask = device.status.rogue.received;

		await drive(INTERVAL_MS);
		const afterOne = device.status.rogue.received;
		expect(afterOne - atTask).toBeLessThanOrEqual(20); // at most what was in flight in the step of the task
		await drive(INTERVAL_MS);
		expect(device.status.rogue.received).toBe(afterOne);
		expect(cloud.listActiveViolations({ thingName: THING }).find((v) => v.behavior.name === "msgReceive")).toBeUndefined();

		// the cloud-side alarm clears at the first window after the task; the device-side bytesOut stays while the
		// device keeps transmitting (the broker drops its publishes, but the bytes have left the device)
		expect(active()).toEqual(["bytesOut"]);
		const m = cloud.metrics(THING);
		expect({ connects: device.status.mqtt.connects, rejected: m.reportsRejected }).toEqual({ connects: 1, rejected: 0 });
		expect(m["aws:num-authorization-failures"]).toBeGreaterThanOrEqual(2 * 300 - 20);
		// remediated (rogue mode off), its next report clears bytesOut
		device.setRogue(false);
		await drive(INTERVAL_MS + STEP_MS);
		expect(active()).toEqual([]);
	});
});
