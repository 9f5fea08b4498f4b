/*
 * broker-compare-fleet — the device side of bench/broker-compare.bench.ts, run in its own Node process
 * (forked with IPC) so neither broker shares its event loop or file descriptors with the clients.
 * Requests { id, op, ... } → { id, ok, value | error }:
 * - connect: mqtt.js clients over mutual TLS (client id = CN), 100 handshakes at a time (a burst of
 *   thousands of SYNs overflows the listen backlog); each then subscribes at QoS 1 to its own
 *   `$aws/things/<thing>/bench` topic. Returns how many connected and how long the handshakes took.
 * - rounds: every client publishes one QoS 1 message to its own topic, the round ends when every message
 *   came back through the broker and was PUBACKed (or at limitMs); `rounds` rounds back to back.
 * - close: ends every client, then the process.
 */
import mqtt, { type MqttClient } from "mqtt";

export interface FleetSetup {
	port: number;
	ca: string;
	key: string;
	certs: [thing: string, cert: string][];
	connectTimeoutMs: number;
}

export interface ConnectResult {
	connected: number;
	failed: number;
	firstError?: string;
	/** from the first handshake started to the last CONNACK */
	connectMs: number;
}

export interface RoundsResult {
	delivered: number;
	acked: number;
	expected: number;
	ms: number;
}

type Request = { id: number; op: "connect"; setup: FleetSetup } | { id: number; op: "rounds"; rounds: number; limitMs: number } | { id: number; op: "close" };

const BATCH = 100;
const clients: { thing: string; client: MqttClient }[] = [];
let onDelivered: (() => void) | undefined;

const topicOf = (thing: string): string => `$aws/things/${thing}/bench`;

function open(s: FleetSetup, thing: string, cert: string): Promise<MqttClient> {
	const client = mqtt.connect({ host: "127.0.0.1", port: s.port, protocol: "mqtts", clientId: thing, ca: s.ca, cert, key: s.key, reconnectPeriod: 0, connectTimeout: s.connectTimeoutMs, keepalive: 0 });
	client.on("error", () => undefined);
	client.on("message", () => onDelivered?.());
	return new Promise((resolve, reject) => {
		client.once("connect", () => resolve(client));
		client.once("error", reject);
		client.once("close", () => reject(new Error(`${thing} closed before CONNACK`)));
	});
}

async function connect(s: FleetSetup): Promise<ConnectResult> {
	const errors: string[] = [];
	const start = performance.now();
	for (let i = 0; i < s.certs.length; i += BATCH) {
		await Promise.all(
			s.certs.slice(i, i + BATCH).map(([thing, cert]) =>
				open(s, thing, cert).then(
					(client) => void clients.push({ thing, client }),
					(e: Error) => void errors.push(e.message),
				),
			),
		);
	}
	const connectMs = performance.now() - start;
	for (let i = 0; i < clients.length; i += BATCH) {
		await Promise.all(clients.slice(i, i + BATCH).map((c) => c.client.subscribeAsync(topicOf(c.thing), { qos: 1 })));
	}
	return { connected: clients.length, failed: errors.length, firstError: errors[0], connectMs };
}

async function rounds(n: number, limitMs: number): Promise<RoundsResult> {
	let delivered = 0;
	let acked = 0;
	const expected = clients.length * n;
	const start = performance.now();
	const deadline = start + limitMs;
	for (let r = 0; r < n && performance.now() < deadline; r++) {
		const want = clients.length * (r + 1);
		await new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
			const check = (): void => {
				if (delivered >= want && acked >= want) {
					clearTimeout(timer);
					resolve();
				}
			};
			onDelivered = () => {
				delivered++;
				check();
			};
			const payload = Buffer.alloc(64, r);
			for (const c of clients) {
				c.client.publish(topicOf(c.thing), payload, { qos: 1 }, (e) => {
					if (e) return;
					acked++;
					check();
				});
			}
		});
	}
	onDelivered = undefined;
	return { delivered, acked, expected, ms: performance.now() - start };
}

async function handle(m: Request): Promise<unknown> {
	if (m.op === "connect") return connect(m.setup);
	if (m.op === "rounds") return rounds(m.rounds, m.limitMs);
	await Promise.all(clients.map((c) => c.client.endAsync(true)));
	clients.length = 0;
	return 0;
}

process.on("message", (m: Request) => {
	handle(m).then(
		(value) => process.send?.({ id: m.id, ok: true, value }, () => (m.op === "close" ? process.exit(0) : undefined)),
		(e: Error) => process.send?.({ id: m.id, ok: false, error: e.message }),
	);
});
process.on("disconnect", () => process.exit(0));
