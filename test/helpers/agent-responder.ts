/*
 * agent-responder — a stand-in for the cloud's reserved topics on a plain broker (mosquitto): an
 * mqtt.js client that takes every Device Defender report, decodes it, and answers on the accepted
 * or rejected topic in the report's encoding with the report's id. `decide` picks the answer.
 * startResponderRig() starts mosquitto (mutual TLS, test PKI) with a responder on it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { decode as cborDecode, encode as cborEncode } from "cborg";
import { makeTestPki } from "./certs";
import type { Credential, TestPki } from "./certs";
import { startMosquitto } from "./mosquitto";
import type { Mosquitto } from "./mosquitto";

export interface SeenReport {
	thing: string;
	format: "json" | "cbor";
	id: number;
	bytesOut: number;
	doc: Record<string, any>;
}

export type Decision = { status: "ACCEPTED" } | { status: "REJECTED"; code: string } | { status: "SILENT" };

export interface Responder {
	reports: SeenReport[];
	/** True once subscribed on the current connection (false while the broker is away). */
	readonly ready: boolean;
	answered: Map<number, Decision["status"]>;
	decide: (r: SeenReport) => Decision;
	close(): Promise<void>;
}

export async function startResponder(port: number, ca: string, client: Credential): Promise<Responder> {
	const c: MqttClient = await mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, { ca, cert: client.cert, key: client.key, rejectUnauthorized: true, reconnectPeriod: 100, clientId: `responder-${process.pid}` });
	let ready = true;
	const responder: Responder = {
		get ready() {
			return ready;
		},
		reports: [],
		answered: new Map(),
		decide: () => ({ status: "ACCEPTED" }),
		close: () => c.endAsync(true),
	};
	c.on("message", (topic, payload) => {
		const m = /^\$aws\/things\/([^/]+)\/defender\/metrics\/(json|cbor)$/.exec(topic);
		if (!m) return;
		const format = m[2] as "json" | "cbor";
		const doc = (format === "cbor" ? cborDecode(payload) : JSON.parse(payload.toString())) as Record<string, any>;
		const header = doc.header ?? doc.hed;
		const metrics = doc.metrics ?? doc.met ?? {};
		const ns = metrics.network_stats ?? metrics.ns ?? {};
		const seen: SeenReport = { thing: m[1], format, id: header.report_id ?? header.rid, bytesOut: ns.bytes_out ?? ns.bo ?? 0, doc };
		responder.reports.push(seen);
		const d = responder.decide(seen);
		responder.answered.set(seen.id, d.status);
		if (d.status === "SILENT") return;
		const body: Record<string, unknown> = { thingName: seen.thing, reportId: seen.id, status: d.status, timestamp: Date.now() };
		if (d.status === "REJECTED") body.statusDetails = { ErrorCode: d.code, ErrorMessage: `${d.code} (test)` };
		const out = format === "cbor" ? Buffer.from(cborEncode(body)) : Buffer.from(JSON.stringify(body));
		c.publish(`${topic}/${d.status === "ACCEPTED" ? "accepted" : "rejected"}`, out, { qos: 1 });
	});
	c.on("close", () => (ready = false));
	c.on("connect", () => c.subscribe("$aws/things/+/defender/metrics/+", { qos: 1 }, () => (ready = true)));
	await c.subscribeAsync("$aws/things/+/defender/metrics/+", { qos: 1 });
	return responder;
}

export interface ResponderRig {
	dir: string;
	pki: TestPki;
	broker: Mosquitto;
	responder: Responder;
	/** Connection options for the device "MyDevice" (spread into startDevice). */
	connection(): { thingName: string; host: string; port: number; ca: string; cert: string; key: string };
	close(): Promise<void>;
}

export async function startResponderRig(prefix: string): Promise<ResponderRig> {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	const pki = makeTestPki(dir, { things: ["MyDevice", "responder"] });
	const broker = await startMosquitto(pki);
	const responder = await startResponder(broker.port, pki.ca.cert, pki.clients.responder);
	const device = pki.clients.MyDevice;
	return {
		dir, pki, broker, responder,
		connection: () => ({ thingName: "MyDevice", host: "127.0.0.1", port: broker.port, ca: pki.ca.cert, cert: device.cert, key: device.key }),
		async close() {
			await responder.close();
			await broker.stop();
		},
	};
}
