/*
 * mosquitto-plugin — a real mosquitto loading the Defender plugin (built by cloud/broker/plugin.ts into a
 * temp dir), optionally the cloud on top of it (startCloud with `broker: {url, plugin: true}`), and MQTT
 * clients with freshly issued thing certificates. stop() ends what was started, by PID.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { writeMosquittoConf } from "../../cloud/broker/mosquitto-conf";
import { startCloud, type Cloud } from "../../cloud/index";
import { ensureServerCertificate, issueThingCertificate } from "../../cloud/pki";
import type { Clock } from "../../modules/platform/platform";
import { freePort, launchMosquitto, type LaunchOptions, type Mosquitto } from "./mosquitto";

export interface PluginBroker {
	dir: string;
	pkiDir: string;
	port: number;
	url: string;
	revokedFile: string;
	mosquitto: Mosquitto;
	cloud?: Cloud;
	logs: string[];
	/** connects as `thing` with a new certificate of CN `thing` (clientId defaults to the thing) */
	client(thing: string, options?: IClientOptions): Promise<MqttClient>;
	stop(): Promise<void>;
}

export interface PluginBrokerOptions {
	allowTopics?: string[];
	withCloud?: boolean;
	clock?: Clock;
	intervalMs?: number;
	batchThings?: number;
	/** how mosquitto is run (e.g. under valgrind, stopped with SIGTERM) */
	launch?: LaunchOptions;
}

export async function startPluginBroker(o: PluginBrokerOptions = {}): Promise<PluginBroker> {
	const dir = mkdtempSync(join(tmpdir(), "mosquitto-plugin-"));
	const pkiDir = join(dir, "pki");
	const revokedFile = join(dir, "revoked.txt");
	ensureServerCertificate(pkiDir);
	const port = await freePort();
	const files = writeMosquittoConf({
		port, pkiDir, outDir: join(dir, "mosquitto"), allowTopics: o.allowTopics ?? [], user: userInfo().username,
		plugin: { revokedFile, intervalMs: o.intervalMs ?? 100, batchThings: o.batchThings },
	});
	const mosquitto = await launchMosquitto(port, files.conf, o.launch);
	const url = `mqtts://127.0.0.1:${port}`;
	const logs: string[] = [];
	const client = (thing: string, options: IClientOptions = {}): Promise<MqttClient> => {
		const f = issueThingCertificate(pkiDir, thing);
		return mqtt.connectAsync(url, {
			clientId: thing, ca: readFileSync(f.caPem), cert: readFileSync(f.certPem), key: readFileSync(f.keyPem), rejectUnauthorized: true, reconnectPeriod: 0, ...options,
		});
	};
	let cloud: Cloud | undefined;
	try {
		// under a wrapper (valgrind) the first TLS handshake is slow: one patient connection before Detect's
		if (o.launch?.wrap) await (await client("WarmUp", { connectTimeout: 120_000 })).endAsync();
		if (o.withCloud) cloud = await startCloud({ pkiDir, dataDir: ":memory:", clock: o.clock, broker: { url, plugin: true }, log: (s) => logs.push(s) });
	} catch (e) {
		await mosquitto.stop();
		throw e;
	}
	return {
		dir, pkiDir, port, url, revokedFile, mosquitto, cloud, logs, client,
		async stop() {
			await cloud?.stop();
			await mosquitto.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The granted QoS / reason codes of a SUBSCRIBE, refusals included (mqtt.js rejects on 0x80). */
export async function subscribeCodes(c: MqttClient, filter: string): Promise<number[]> {
	try {
		return (await c.subscribeAsync(filter, { qos: 1 })).map((g) => g.qos);
	} catch (e) {
		const granted = (e as { packet?: { granted?: (number | { qos: number })[] } }).packet?.granted;
		if (!granted) throw e;
		return granted.map((g) => (typeof g === "number" ? g : g.qos));
	}
}
