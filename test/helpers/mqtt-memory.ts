/*
 * mqtt-memory — an in-memory broker end for MqttClient session tests: each connection attempt gets
 * a MemoryTransport whose writes are recorded and parsed with mqtt-packet; the test answers with
 * mqtt-packet's generate (or raw bytes), opens, errors and closes links by hand, all in virtual time.
 */
import mqttPacket from "mqtt-packet";
import type { Packet as PeerPacket } from "mqtt-packet";
import type { Transport, TransportHandlers } from "../../modules/mqtt/transport";
import { MqttClient } from "../../modules/mqtt/client";
import type { MqttClientOptions } from "../../modules/mqtt/client";
import { VirtualClock } from "../../hardware/host/virtual-clock";

export class MemoryTransport implements Transport {
	readonly handlers: TransportHandlers;
	readonly packets: PeerPacket[] = [];
	/** Bytes accepted per write (default unlimited); -1 makes write fail; "throw" makes it throw. */
	accept: number | "throw" = Infinity;
	closed = false;
	bytes = 0;
	readonly #parser = mqttPacket.parser({ protocolVersion: 4 });

	constructor(handlers: TransportHandlers) {
		this.handlers = handlers;
		this.#parser.on("packet", (p: PeerPacket) => this.packets.push(p));
		this.#parser.on("error", (e: Error) => this.packets.push({ cmd: "error", message: e.message } as unknown as PeerPacket));
	}

	write(bytes: Uint8Array): number {
		if (this.accept === "throw") throw new Error("socket gone");
		const n = Math.min(bytes.length, this.accept);
		if (n > 0) {
			this.bytes += n;
			this.#parser.parse(Buffer.from(bytes.subarray(0, n)));
		}
		return n;
	}

	close(): void {
		this.closed = true;
	}

	/** Packets of one kind the client sent on this link. */
	sent(cmd: string): Record<string, any>[] {
		return this.packets.filter((p) => p.cmd === cmd) as Record<string, any>[];
	}

	/** Sends a packet (mqtt-packet object) or raw bytes to the client. */
	send(p: Record<string, unknown> | number[]): void {
		this.handlers.onData(Array.isArray(p) ? Uint8Array.from(p) : mqttPacket.generate(p as unknown as PeerPacket, { protocolVersion: 4 }));
	}
}

export interface Harness {
	clock: VirtualClock;
	client: MqttClient;
	links: MemoryTransport[];
	link(): MemoryTransport;
	states: string[];
	messages: { topic: string; text: string; qos: number }[];
	published: number[];
	subacks: string[];
	logs: string[];
	/** open + CONNACK accepted on a new link. */
	connect(sessionPresent?: boolean): MemoryTransport;
}

export function harness(extra: Partial<MqttClientOptions> = {}): Harness {
	const clock = new VirtualClock();
	const links: MemoryTransport[] = [];
	const h: Harness = {
		clock,
		links,
		link: () => links[links.length - 1],
		states: [],
		messages: [],
		published: [],
		subacks: [],
		logs: [],
		connect(sessionPresent = false) {
			const l = h.link();
			l.handlers.onOpen();
			l.send({ cmd: "connack", returnCode: 0, sessionPresent });
			return l;
		},
		client: undefined as unknown as MqttClient,
	};
	h.client = new MqttClient({
		clientId: "dev",
		keepAliveSeconds: 60,
		clock,
		openTransport: (handlers) => {
			const l = new MemoryTransport(handlers);
			links.push(l);
			return l;
		},
		maxPayload: 256,
		maxInflight: 2,
		maxQueued: 4,
		reconnect: { minMs: 1000, maxMs: 8000 },
		random: () => 0.5,
		log: (m) => h.logs.push(m),
		onState: (s, r) => h.states.push(r ? `${s} ${r}` : s),
		onMessage: (topic, payload, qos) => h.messages.push({ topic, text: Buffer.from(payload).toString(), qos }),
		onPublished: (id) => h.published.push(id),
		onSubscribed: (f, st, q) => h.subacks.push(`${f} ${st} ${q}`),
		...extra,
	});
	return h;
}

export const text = (s: string) => new TextEncoder().encode(s);
