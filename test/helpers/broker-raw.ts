/*
 * broker-raw — a raw mutual-TLS socket to the cloud broker for tests that need bytes no MQTT client library
 * writes: packets pipelined after a refused CONNECT, absurd remaining lengths, QoS 2, fuzz. Packets are built
 * with mqtt-packet; received bytes are parsed back so a test can look at CONNACK, SUBACK and PUBLISH.
 */
import { readFileSync } from "node:fs";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import mqttPacket, { type Packet } from "mqtt-packet";

export interface RawCredential {
	ca: string;
	cert: string;
	key: string;
}

export interface RawClient {
	socket: TLSSocket;
	packets: Packet[];
	/** resolves once the server closed (or reset) the connection */
	closed: Promise<void>;
	isClosed(): boolean;
	write(bytes: Buffer | Uint8Array): void;
	end(): void;
}

export function credentialFiles(files: { caPem: string; certPem: string; keyPem: string }): RawCredential {
	return { ca: readFileSync(files.caPem, "utf8"), cert: readFileSync(files.certPem, "utf8"), key: readFileSync(files.keyPem, "utf8") };
}

/** Opens mutual TLS; resolves after the handshake. */
export function rawConnect(port: number, cred: RawCredential): Promise<RawClient> {
	return new Promise((resolve, reject) => {
		const socket = tlsConnect({ host: "127.0.0.1", port, ca: cred.ca, cert: cred.cert, key: cred.key, servername: "localhost" });
		const packets: Packet[] = [];
		const parser = mqttPacket.parser({ protocolVersion: 4 });
		parser.on("packet", (p) => packets.push(p));
		parser.on("error", () => undefined);
		let isClosed = false;
		const closed = new Promise<void>((r) => socket.once("close", () => {
			isClosed = true;
			r();
		}));
		socket.on("data", (d: Buffer) => parser.parse(d));
		socket.on("error", () => undefined);
		socket.once("secureConnect", () =>
			resolve({
				socket,
				packets,
				closed,
				isClosed: () => isClosed,
				write: (b) => {
					if (!socket.destroyed) socket.write(b);
				},
				end: () => socket.destroy(),
			}),
		);
		socket.once("close", () => reject(new Error("closed before the TLS handshake finished")));
	});
}

export function encode(p: Packet): Buffer {
	return mqttPacket.generate(p, { protocolVersion: 4 });
}

export function connectPacket(clientId: string, clean = true): Buffer {
	return encode({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean, clientId, keepalive: 60 } as Packet);
}

export function publishPacket(topic: string, payload: Buffer | string, qos: 0 | 1 | 2 = 0, messageId = 1, retain = false): Buffer {
	return encode({ cmd: "publish", topic, payload, qos, messageId: qos > 0 ? messageId : undefined, retain, dup: false } as Packet);
}

export function subscribePacket(messageId: number, filters: { topic: string; qos: 0 | 1 | 2 }[]): Buffer {
	return encode({ cmd: "subscribe", messageId, subscriptions: filters } as Packet);
}

/** The first received packet of a kind (waits, bounded). */
export async function nextPacket(c: RawClient, cmd: string, limitMs = 5000): Promise<Packet | undefined> {
	const start = Date.now();
	while (Date.now() - start < limitMs) {
		const i = c.packets.findIndex((p) => p.cmd === cmd);
		if (i >= 0) return c.packets.splice(i, 1)[0];
		if (c.isClosed()) return undefined;
		await new Promise((r) => setTimeout(r, 5));
	}
	return undefined;
}
