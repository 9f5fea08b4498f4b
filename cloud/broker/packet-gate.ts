/*
 * packet-gate — reads the MQTT byte stream of one connection before aedes does, one fixed header at a time:
 * - a packet whose remaining length makes it larger than maxPacketBytes is refused from its fixed header,
 *   before any of it is buffered (a CONNECT declaring 256 MB included); so is a malformed length;
 * - the first packet must be CONNECT; an MQTT 5 CONNECT (protocol level 5) is answered here with an MQTT 5
 *   CONNACK, reason code 0x84 Unsupported Protocol Version, and closed: aedes speaks MQTT 3.1.1 only (and
 *   would answer in the 3.1.1 encoding, which an MQTT 5 client misreads); MQTT 5 is the mosquitto mode's; everything after it is held until the CONNECT is accepted (accept())
 *   and discarded when it is refused (refuseConnect()): nothing is authorized, counted or evaluated for a
 *   connection that is not accepted;
 * - a PUBLISH with QoS above maxQos (AWS: 1) closes the connection; a QoS 3 PUBLISH is malformed;
 * - PUBLISH packets past maxPublishesPerSecond in the current one-second window are dropped;
 * - a SUBSCRIBE's requested QoS above maxQos is lowered to maxQos, so SUBACK grants min(requested, maxQos).
 * Pure: bytes in, bytes to forward out; refusals and drops are reported to the owner.
 */
import type { BrokerLimits } from "./limits";

const CONNECT = 1;
const PUBLISH = 3;
const SUBSCRIBE = 8;
const MQTT5 = 5;
/** MQTT 5 CONNACK: flags 0, reason code 0x84 Unsupported Protocol Version, no properties (length 0) */
export const MQTT5_CONNACK_UNSUPPORTED = Buffer.from([0x20, 0x03, 0x00, 0x84, 0x00]);
export const MQTT5_REFUSAL =
	"MQTT 5 client refused (CONNACK 0x84 Unsupported Protocol Version): the embedded broker speaks MQTT 3.1.1 only; " +
	"for MQTT 5 run mosquitto with the plugin (npm run cloud -- mosquitto-conf --plugin, docs/cloud.md)";

/** The protocol level byte of a complete CONNECT packet, or undefined when it is too short to say. */
export function connectProtocolLevel(p: Buffer): number | undefined {
	let i = 1;
	while (i < p.length && p[i] & 0x80) i++;
	i++; // past the last remaining-length byte
	if (i + 2 > p.length) return undefined;
	const at = i + 2 + p.readUInt16BE(i);
	return at < p.length ? p[at] : undefined;
}

export interface GateEvents {
	/** the connection must be closed; `reply`, when given, is written to the client first */
	refuse(reason: string, reply?: Buffer): void;
	/** one PUBLISH was dropped by the rate limit; `inWindow` counts the drops of this one-second window */
	throttled(inWindow: number): void;
}

type State = "await-connect" | "authenticating" | "open" | "closed";

export class PacketGate {
	#buf: Buffer = Buffer.alloc(0);
	#held: Buffer[] = [];
	#state: State = "await-connect";
	#windowStart = -Infinity;
	#inWindow = 0;
	#dropped = 0;
	readonly #limits: BrokerLimits;
	readonly #events: GateEvents;
	readonly #now: () => number;

	constructor(limits: BrokerLimits, events: GateEvents, now: () => number = Date.now) {
		this.#limits = limits;
		this.#events = events;
		this.#now = now;
	}

	get state(): State {
		return this.#state;
	}

	/** Bytes received from the client; returns the bytes to hand to the MQTT broker. */
	feed(chunk: Buffer): Buffer[] {
		if (this.#state === "closed") return [];
		this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
		const out: Buffer[] = [];
		for (;;) {
			const packet = this.#next();
			if (!packet) break;
			this.#route(packet, out);
			if (this.#isClosed()) return [];
		}
		return out;
	}

	/** The CONNECT was accepted: the held packets go through the gate now. */
	accept(): Buffer[] {
		if (this.#state !== "authenticating") return [];
		this.#state = "open";
		const held = this.#held;
		this.#held = [];
		const out: Buffer[] = [];
		for (const p of held) {
			this.#route(p, out);
			if (this.#isClosed()) return [];
		}
		return out;
	}

	/** The CONNECT was refused: whatever came after it is discarded. */
	refuseConnect(): void {
		this.close();
	}

	close(): void {
		this.#state = "closed";
		this.#held = [];
		this.#buf = Buffer.alloc(0);
	}

	#isClosed(): boolean {
		return this.#state === "closed";
	}

	#refuse(reason: string, reply?: Buffer): void {
		this.close();
		this.#events.refuse(reason, reply);
	}

	/** The next complete packet, or undefined (needs more bytes, or refused). */
	#next(): Buffer | undefined {
		const b = this.#buf;
		if (b.length < 2) return undefined;
		let remaining = 0;
		let i = 1;
		for (let mul = 1; ; mul *= 128, i++) {
			if (i > 4) {
				this.#refuse("malformed remaining length (more than 4 bytes)");
				return undefined;
			}
			if (i >= b.length) return undefined;
			remaining += (b[i] & 0x7f) * mul;
			if ((b[i] & 0x80) === 0) break;
		}
		const total = i + 1 + remaining;
		if (total > this.#limits.maxPacketBytes) {
			this.#refuse(`packet of ${total} bytes (type ${b[0] >> 4}) is over the limit of ${this.#limits.maxPacketBytes}`);
			return undefined;
		}
		if (b.length < total) return undefined;
		const packet = b.subarray(0, total);
		this.#buf = b.subarray(total);
		return packet;
	}

	#route(p: Buffer, out: Buffer[]): void {
		const type = p[0] >> 4;
		if (this.#state === "await-connect") {
			if (type !== CONNECT) return this.#refuse(`first packet is type ${type}, not CONNECT`);
			if (connectProtocolLevel(p) === MQTT5) return this.#refuse(MQTT5_REFUSAL, MQTT5_CONNACK_UNSUPPORTED);
			this.#state = "authenticating";
			out.push(p);
			return;
		}
		if (this.#state === "authenticating") {
			this.#holdPacket(p);
			return;
		}
		if (type === PUBLISH) return this.#publish(p, out);
		if (type === SUBSCRIBE) this.#lowerQos(p);
		out.push(p);
	}

	#holdPacket(p: Buffer): void {
		const heldBytes = this.#held.reduce((n, h) => n + h.length, 0) + p.length;
		if (heldBytes > this.#limits.maxPacketBytes) return this.#refuse(`${heldBytes} bytes sent before the CONNECT was accepted`);
		this.#held.push(Buffer.from(p));
	}

	#publish(p: Buffer, out: Buffer[]): void {
		const qos = (p[0] >> 1) & 3;
		if (qos === 3) return this.#refuse("PUBLISH with QoS 3 (malformed)");
		if (qos > this.#limits.maxQos) return this.#refuse(`PUBLISH with QoS ${qos}: the broker supports QoS 0 and 1 only`);
		const now = this.#now();
		if (now - this.#windowStart >= 1000) {
			this.#windowStart = now;
			this.#inWindow = 0;
			this.#dropped = 0;
		}
		if (this.#inWindow >= this.#limits.maxPublishesPerSecond) {
			this.#events.throttled(++this.#dropped);
			return;
		}
		this.#inWindow++;
		out.push(p);
	}

	/** Lowers each requested QoS above maxQos in place; a malformed SUBSCRIBE is left to the MQTT parser. */
	#lowerQos(p: Buffer): void {
		let i = 1;
		while (p[i] & 0x80) i++;
		i += 3; // last length byte + packet identifier
		while (i + 2 <= p.length) {
			const len = p.readUInt16BE(i);
			const at = i + 2 + len;
			if (at >= p.length) return;
			if (p[at] === 2 && this.#limits.maxQos < 2) p[at] = this.#limits.maxQos;
			i = at + 1;
		}
	}
}
