/*
 * The hardened external-mosquitto config (issue 8) against a real mosquitto 2.0 started as the test user
 * (root on CI) with the generated files and no extra flags: identity = certificate CN = client id, no
 * SUBSCRIBE to the own report topics, no PUBLISH on reply topics, unknown certificates get nothing.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud, type Reply } from "../../cloud/index";
import { issueThingCertificate } from "../../cloud/pki";
import { systemUser } from "../../cloud/broker/mosquitto-owner";
import { realUntil } from "../helpers/agent-e2e";
import { startCloudMosquitto, type Mosquitto } from "../helpers/mosquitto";

let dir: string;
let pkiDir: string;
let mosquitto: Mosquitto;
let cloud: Cloud;
const logs: string[] = [];
const replies: Reply[] = [];

beforeAll(async () => {
	const started = await startCloudMosquitto({ things: ["MyDevice", "Intruder"], allowTopics: ["/rogue/agent"], prefix: "cloud-hardening-" });
	({ dir, pkiDir, mosquitto } = started);
	cloud = await startCloud({ pkiDir, dataDir: ":memory:", minReportIntervalSeconds: 0, broker: { url: `mqtts://127.0.0.1:${mosquitto.port}` }, log: (s) => logs.push(s) });
	cloud.onReply((r) => replies.push(r));
}, 60_000);

afterAll(async () => {
	await cloud?.stop();
	await mosquitto?.stop();
	rmSync(dir, { recursive: true, force: true });
});

function client(cert: string, options: IClientOptions = {}): Promise<MqttClient> {
	return mqtt.connectAsync(`mqtts://127.0.0.1:${mosquitto.port}`, {
		clientId: cert, ca: readFileSync(join(pkiDir, "ca.cert.pem")), cert: readFileSync(join(pkiDir, `${cert}.cert.pem`)), key: readFileSync(join(pkiDir, `${cert}.key.pem`)),
		rejectUnauthorized: true, reconnectPeriod: 0, protocolVersion: 4, ...options,
	});
}

let nextId = 1000;
const report = (id: number): string => JSON.stringify({ header: { report_id: id, version: "1.0" }, metrics: { network_stats: { bytes_in: 1, bytes_out: 1, packets_in: 1, packets_out: 1 } } });
const accepted = "$aws/things/MyDevice/defender/metrics/json/accepted";

/** Publishes a genuine report as MyDevice and waits for its reply on `c`; returns everything `c` received meanwhile. */
async function roundTrip(c: MqttClient, seen: { topic: string; body: string }[]): Promise<number> {
	const id = nextId++;
	await c.publishAsync("$aws/things/MyDevice/defender/metrics/json", report(id), { qos: 1 });
	await realUntil(() => seen.some((m) => m.topic === accepted && m.body.includes(`"reportId":${id}`)), 10_000, `the reply to report ${id}`);
	return id;
}

/** The SUBACK return codes (mqtt.js rejects a SUBACK holding 0x80; the codes are on the error's packet). */
async function suback(c: MqttClient, filter: string): Promise<number[]> {
	try {
		return (await c.subscribeAsync(filter, { qos: 1 })).map((g) => g.qos);
	} catch (e) {
		const granted = (e as { packet?: { granted?: number[] } }).packet?.granted;
		if (!granted) throw e;
		return granted;
	}
}

function record(c: MqttClient): { topic: string; body: string }[] {
	const seen: { topic: string; body: string }[] = [];
	c.on("message", (topic, payload) => seen.push({ topic, body: payload.toString() }));
	return seen;
}

describe("hardened mosquitto config", () => {
	it("mosquitto started as root (the test user on CI) drops to the mosquitto user and still reads its key and plugin config", () => {
		const status = readFileSync(`/proc/${mosquitto.pid}/status`, "utf8");
		const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
		// as root (CI, the test machine) mosquitto switches to "mosquitto"; as anyone else it stays that user
		const expected = process.getuid?.() === 0 ? systemUser("mosquitto")?.uid : process.getuid?.();
		expect(uid, mosquitto.output).toBe(expected);
		const key = statSync(join(dir, "mosquitto", "certs", "server.key.pem"));
		expect([key.uid, key.mode & 0o777]).toEqual([expected, 0o600]);
		expect(logs.join("\n")).toContain("subscribed to $aws/things/+/defender/metrics/+");
	});

	it("another certificate sending client id MyDevice becomes its own client: MyDevice stays connected", async () => {
		const owner = await client("MyDevice");
		const seen = record(owner);
		let ownerClosed = false;
		owner.on("close", () => (ownerClosed = true));
		try {
			await owner.subscribeAsync(accepted, { qos: 1 });
			const intruder = await client("Intruder", { clientId: "MyDevice" });
			const stolen = record(intruder);
			expect(await suback(intruder, "$aws/things/MyDevice/#")).toEqual([128]);
			await roundTrip(owner, seen);
			expect(ownerClosed, mosquitto.output).toBe(false);
			expect(stolen).toEqual([]);
			await intruder.endAsync(true);
		} finally {
			await owner.endAsync(true);
		}
	});

	it("nor can it pick up MyDevice's persistent session and the messages queued in it", async () => {
		const owner = await client("MyDevice", { clean: false });
		await owner.subscribeAsync("/rogue/agent", { qos: 1 });
		await owner.endAsync(true);
		const sender = await client("Intruder");
		await sender.publishAsync("/rogue/agent", "for MyDevice's session", { qos: 1 });
		await sender.endAsync(true);
		const intruder = await client("Intruder", { clientId: "MyDevice", clean: false });
		const stolen = record(intruder);
		expect(intruder.connected).toBe(true);
		const back = await client("MyDevice", { clean: false });
		const seen = record(back);
		await realUntil(() => seen.some((m) => m.body === "for MyDevice's session"), 10_000, "MyDevice to get its queued message");
		expect(stolen).toEqual([]);
		await intruder.endAsync(true);
		await back.endAsync(true);
	});

	it("a thing cannot subscribe to its own report topics: SUBACK 0x80, and no report is delivered to it", async () => {
		const c = await client("MyDevice");
		const seen = record(c);
		try {
			const filters = ["$aws/things/MyDevice/defender/metrics/json", "$aws/things/MyDevice/defender/metrics/cbor", "$aws/things/MyDevice/defender/metrics/+", "$aws/things/MyDevice/#", "$aws/things/MyDevice/+/metrics/json/#"];
			for (const f of filters) expect([f, await suback(c, f)]).toEqual([f, [128]]);
			expect(await suback(c, accepted)).toEqual([1]);
			expect(await suback(c, "$aws/things/MyDevice/shadow/#")).toEqual([1]);
			await roundTrip(c, seen);
			expect(seen.filter((m) => !m.topic.endsWith("/accepted"))).toEqual([]);
		} finally {
			await c.endAsync(true);
		}
	});

	it("a forged reply published by the thing on its own reply topic is refused: never delivered, to it or to a later session", async () => {
		const c = await client("MyDevice", { clean: false });
		const seen = record(c);
		await c.subscribeAsync([accepted, "$aws/things/MyDevice/defender/metrics/json/rejected"], { qos: 1 });
		const forged = JSON.stringify({ thingName: "MyDevice", reportId: 424_242, status: "ACCEPTED", timestamp: 1 });
		await c.publishAsync(accepted, forged, { qos: 1 });
		await c.endAsync(true);
		const again = await client("MyDevice", { clean: false });
		const seenAgain = record(again);
		try {
			await again.publishAsync("$aws/things/MyDevice/defender/metrics/json/rejected", forged, { qos: 0 });
			const back = await client("MyDevice", { clean: false });
			const seenBack = record(back);
			await roundTrip(back, seenBack);
			await back.endAsync(true);
			expect([...seen, ...seenAgain, ...seenBack].filter((m) => m.body.includes("424242"))).toEqual([]);
		} finally {
			await again.endAsync(true);
		}
	});

	it("a certificate the config does not list (issued after it was written) may do nothing", async () => {
		issueThingCertificate(pkiDir, "Latecomer");
		const c = await client("Latecomer");
		try {
			expect(await suback(c, "$aws/things/Latecomer/defender/metrics/json/accepted")).toEqual([128]);
			const before = cloud.reportAudit()?.totals().delivered;
			await c.publishAsync("$aws/things/Latecomer/defender/metrics/json", report(1), { qos: 1 });
			const owner = await client("MyDevice");
			const seen = record(owner);
			await owner.subscribeAsync(accepted, { qos: 1 });
			await roundTrip(owner, seen);
			await owner.endAsync(true);
			expect(cloud.reportAudit()?.counts("Latecomer").delivered).toBe(0);
			expect(cloud.reportAudit()?.totals().delivered).toBe((before ?? 0) + 1);
		} finally {
			await c.endAsync(true);
		}
	});
});
