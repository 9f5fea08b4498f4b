/*
 * cloud-setup — test helpers for the cloud: a temp PKI dir, startCloud on an ephemeral 127.0.0.1 port with
 * a virtual clock, and a real MQTT client (the `mqtt` package) over mutual TLS for a thing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { startCloud, type CloudOptions } from "../../cloud/index";
import type { Cloud } from "../../cloud/cloud";

export interface CloudFixture {
	cloud: Cloud;
	clock: VirtualClock;
	dir: string;
	logs: string[];
	connect(thing: string, options?: { clientId?: string; cert?: string; key?: string; ca?: string }): Promise<MqttClient>;
	cleanup(): Promise<void>;
}

export function tempDir(prefix = "cloud-test-"): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestCloud(options: Partial<CloudOptions> = {}, dir = tempDir()): Promise<CloudFixture> {
	const clock = (options.clock as VirtualClock | undefined) ?? new VirtualClock(Date.UTC(2026, 0, 1));
	const logs: string[] = [];
	const pkiDir = options.pkiDir ?? join(dir, "pki");
	const cloud = await startCloud({ port: 0, dataDir: ":memory:", ...options, pkiDir, clock, log: (s) => logs.push(s) });
	const clients: MqttClient[] = [];
	const connect = (thing: string, o: { clientId?: string; cert?: string; key?: string; ca?: string } = {}): Promise<MqttClient> => {
		const files = o.cert ? undefined : cloud.issueThingCertificate(thing);
		const client = mqtt.connect({
			host: "127.0.0.1",
			port: cloud.port,
			protocol: "mqtts",
			clientId: o.clientId ?? thing,
			ca: readFileSync(o.ca ?? join(pkiDir, "ca.cert.pem")),
			cert: o.cert ? readFileSync(o.cert) : readFileSync(files!.certPem),
			key: o.key ? readFileSync(o.key) : readFileSync(files!.keyPem),
			reconnectPeriod: 0,
			connectTimeout: 5000,
		});
		clients.push(client);
		return new Promise((resolve, reject) => {
			client.once("connect", () => resolve(client));
			client.once("error", reject);
			client.once("close", () => reject(new Error("closed before CONNACK")));
		});
	};
	const cleanup = async (): Promise<void> => {
		for (const c of clients) c.end(true);
		await cloud.stop();
		rmSync(dir, { recursive: true, force: true });
	};
	return { cloud, clock, dir, logs, connect, cleanup };
}

/** Waits (real time, bounded) until `predicate` holds; for socket round trips, never for Detect timing. */
export async function until(predicate: () => boolean, what: string, limitMs = 5000): Promise<void> {
	const start = Date.now();
	while (!predicate()) {
		if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

/** The next message on `topic` (subscribe first). */
export function nextMessage(client: MqttClient, topic: string): Promise<Buffer> {
	return new Promise((resolve) => {
		const on = (t: string, payload: Buffer): void => {
			if (t !== topic) return;
			client.off("message", on);
			resolve(payload);
		};
		client.on("message", on);
	});
}
