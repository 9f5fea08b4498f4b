/*
 * mqtt-interop — shared pieces of the MQTT interop tests: a device MqttClient on the host TLS
 * transport with a real clock, a peer (mqtt.js) on the same broker, and polling waits.
 */
import mqtt from "mqtt";
import type { MqttClient as PeerClient } from "mqtt";
import { MqttClient } from "../../modules/mqtt/client";
import type { MqttClientOptions } from "../../modules/mqtt/client";
import type { OpenTransport } from "../../modules/mqtt/transport";
import { statusName } from "../../modules/mqtt/status";
import { realClock } from "../../hardware/host/clock";
import type { TestPki } from "./certs";

export interface Received {
	topic: string;
	text: string;
	qos: number;
}

/** Polls `check` every 20 ms until it is true; fails with `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

export function makeDevice(open: OpenTransport, extra: Partial<MqttClientOptions> = {}): { client: MqttClient; received: Received[]; states: string[]; acked: number[]; subscribed: string[] } {
	const received: Received[] = [];
	const states: string[] = [];
	const acked: number[] = [];
	const subscribed: string[] = [];
	const client = new MqttClient({
		clientId: `dev-${Math.random().toString(16).slice(2, 8)}`,
		keepAliveSeconds: 30,
		clock: realClock({ unref: true }),
		openTransport: open,
		maxPayload: 2048,
		maxInflight: 2,
		maxQueued: 16,
		reconnect: { minMs: 50, maxMs: 400 },
		connectTimeoutMs: 5000,
		onMessage: (topic, payload, qos) => received.push({ topic, text: Buffer.from(payload).toString(), qos }),
		onState: (s, r) => states.push(r ? `${s} ${r}` : s),
		onPublished: (id) => acked.push(id),
		onSubscribed: (filter, status, qos) => subscribed.push(`${filter} ${statusName(status)} ${qos}`),
		...extra,
	});
	return { client, received, states, acked, subscribed };
}

/** An mqtt.js client with its own client certificate, connected and subscribed to `filter`. */
export async function makePeer(port: number, pki: TestPki, thing: string, filter: string): Promise<{ peer: PeerClient; got: Received[] }> {
	const got: Received[] = [];
	const c = pki.clients[thing];
	const peer = mqtt.connect({ host: "127.0.0.1", port, protocol: "mqtts", ca: pki.ca.cert, cert: c.cert, key: c.key, protocolVersion: 4, reconnectPeriod: 0, clientId: `peer-${Math.random().toString(16).slice(2, 8)}` });
	peer.on("message", (topic, payload, packet) => got.push({ topic, text: payload.toString(), qos: packet.qos }));
	await new Promise<void>((resolve, reject) => {
		peer.once("connect", () => resolve());
		peer.once("error", reject);
	});
	await peer.subscribeAsync(filter, { qos: 1 });
	return { peer, got };
}
