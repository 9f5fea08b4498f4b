/*
 * Issue 16: mosquitto must not drop the cloud's reports. A bounded burst (30 mutual-TLS mqtt.js things ×
 * 100 QoS 1 reports on loopback) through the generated config: every report is delivered to Detect,
 * evaluated, and answered exactly once. Then Detect is stopped, things keep reporting, and a new Detect
 * (same client id, persistent session) gets and answers every report sent meanwhile.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../../cloud/index";
import { realUntil } from "../helpers/agent-e2e";
import { startCloudMosquitto, type Mosquitto } from "../helpers/mosquitto";

const THINGS = Array.from({ length: 30 }, (_, i) => `burst-${String(i).padStart(2, "0")}`);
const PER_THING = 100;

let dir: string;
let pkiDir: string;
let mosquitto: Mosquitto;
const clients = new Map<string, MqttClient>();
/** per thing: reportId → number of replies */
const answered = new Map<string, Map<number, number>>();
const logs: string[] = [];

function detect(): Promise<Cloud> {
	return startCloud({ pkiDir, dataDir: ":memory:", minReportIntervalSeconds: 0, broker: { url: `mqtts://127.0.0.1:${mosquitto.port}` }, log: (s) => logs.push(s) });
}

async function thing(name: string): Promise<MqttClient> {
	const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${mosquitto.port}`, {
		clientId: name, ca: readFileSync(join(pkiDir, "ca.cert.pem")), cert: readFileSync(join(pkiDir, `${name}.cert.pem`)), key: readFileSync(join(pkiDir, `${name}.key.pem`)),
		rejectUnauthorized: true, reconnectPeriod: 0, protocolVersion: 4,
	});
	const mine = new Map<number, number>();
	answered.set(name, mine);
	c.on("message", (_topic, payload) => {
		const id = Number(JSON.parse(payload.toString()).reportId);
		mine.set(id, (mine.get(id) ?? 0) + 1);
	});
	await c.subscribeAsync([`$aws/things/${name}/defender/metrics/json/accepted`, `$aws/things/${name}/defender/metrics/json/rejected`], { qos: 1 });
	return c;
}

const report = (id: number): string => JSON.stringify({ header: { report_id: id, version: "1.0" }, metrics: { network_stats: { bytes_in: id, bytes_out: 1, packets_in: 1, packets_out: 1 } } });

function send(name: string, from: number, count: number): Promise<unknown> {
	const c = clients.get(name);
	if (!c) throw new Error(`no client for ${name}`);
	return Promise.all(Array.from({ length: count }, (_, i) => c.publishAsync(`$aws/things/${name}/defender/metrics/json`, report(from + i), { qos: 1 })));
}

const repliesTotal = (): number => [...answered.values()].reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);

beforeAll(async () => {
	({ dir, pkiDir, mosquitto } = await startCloudMosquitto({ things: THINGS, prefix: "cloud-burst-" }));
	for (const t of THINGS) clients.set(t, await thing(t));
}, 120_000);

afterAll(async () => {
	for (const c of clients.values()) await c.endAsync(true);
	await mosquitto?.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe("no report is dropped between mosquitto and Detect", () => {
	it(`${THINGS.length} things × ${PER_THING} reports at once: each delivered, evaluated and answered exactly once`, async () => {
		const cloud = await detect();
		try {
			const started = Date.now();
			await Promise.all(THINGS.map((t) => send(t, 1, PER_THING)));
			const total = THINGS.length * PER_THING;
			await realUntil(() => repliesTotal() >= total, 90_000, `${total} replies (have ${repliesTotal()}; Detect ${JSON.stringify(cloud.reportAudit()?.totals())})`);
			const ms = Date.now() - started;
			console.log(`burst: ${total} reports from ${THINGS.length} things answered in ${ms} ms`);
			expect(cloud.reportAudit()?.totals()).toEqual({ delivered: total, evaluated: total, failed: 0, missing: 0 });
			for (const t of THINGS) {
				expect(cloud.reportAudit()?.counts(t)).toMatchObject({ delivered: PER_THING, evaluated: PER_THING });
				const ids = answered.get(t);
				expect([...(ids?.keys() ?? [])].sort((a, b) => a - b), t).toEqual(Array.from({ length: PER_THING }, (_, i) => i + 1));
				expect([...(ids?.values() ?? [])].every((n) => n === 1), t).toBe(true);
			}
			expect(logs.filter((l) => l.includes("LOST"))).toEqual([]);
		} finally {
			await cloud.stop();
		}
	}, 150_000);

	it("reports sent while Detect is stopped are queued in its persistent session and answered when it is back", async () => {
		const before = repliesTotal();
		const away = THINGS.slice(0, 5);
		await Promise.all(away.map((t) => send(t, PER_THING + 1, 60)));
		expect(repliesTotal()).toBe(before);
		const cloud = await detect();
		try {
			await realUntil(() => repliesTotal() >= before + away.length * 60, 60_000, `the replies to the reports sent while Detect was away (Detect ${JSON.stringify(cloud.reportAudit()?.totals())}; broker: ${mosquitto.output.slice(-300)})`);
			expect(cloud.reportAudit()?.totals()).toEqual({ delivered: away.length * 60, evaluated: away.length * 60, failed: 0, missing: 0 });
			for (const t of away) expect(answered.get(t)?.size, t).toBe(PER_THING + 60);
		} finally {
			await cloud.stop();
		}
	}, 120_000);
});
