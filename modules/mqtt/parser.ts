/*
 * parser — incremental MQTT 3.1.1 parser for what a client receives.
 *
 * A state machine over the fixed header (first byte, remaining length) that resumes at any byte
 * boundary; the body is decoded once all of it is there. A body that arrived whole inside one
 * chunk is decoded in place; otherwise it is gathered into one buffer of `maxPacket` bytes made at
 * construction. A remaining length above `maxPacket` is refused (PACKET_TOO_LARGE) before a
 * single body byte is stored. Errors are sticky statuses, never exceptions; reset() clears them.
 *
 *   parser.feed(chunk);
 *   for (let p = parser.next(); p; p = parser.next()) handle(p);
 *   if (parser.status !== SUCCESS) fail(statusName(parser.status));
 */
import { utf8Decode } from "../bytes/utf8";
import * as S from "./status";
import * as P from "./packets";
import type { Packet } from "./packets";

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;

/** Required low nibble per packet type for a client (-1: a client never receives this type; -2: PUBLISH). */
const FLAGS: readonly number[] = Object.freeze([-1, -1, 0, -2, 0, 0, 2, 0, -1, 0, -1, 0, -1, 0, -1, -1]);

export class MqttParser {
	#state = HEADER;
	#first = 0;
	#remaining = 0;
	#shift = 0;
	#lengthBytes = 0;
	#have = 0;
	#chunk: Uint8Array = P.EMPTY;
	#pos = 0;
	readonly #buf: Uint8Array;
	readonly #maxPacket: number;
	#status: S.Status = S.SUCCESS;
	#topic = "";
	readonly #topicBytes = new Uint8Array(P.MAX_TOPIC_BYTES);
	#topicLength = -1;

	/** maxPacket: the largest remaining length accepted (bytes after the fixed header). */
	constructor(maxPacket: number) {
		this.#maxPacket = Math.min(maxPacket, P.MAX_REMAINING_LENGTH);
		this.#buf = new Uint8Array(this.#maxPacket);
	}

	/** SUCCESS, or the sticky error that stopped parsing. */
	get status(): S.Status {
		return this.#status;
	}

	/** True while a packet is partly received (a stream ending now would be TRUNCATED). */
	get partial(): boolean {
		return this.#state !== HEADER;
	}

	/** Forgets any partial packet and error (a new connection). */
	reset(): void {
		this.#state = HEADER;
		this.#status = S.SUCCESS;
		this.#chunk = P.EMPTY;
		this.#pos = 0;
	}

	/** Hands the parser the next chunk of the stream; read packets out with next(). */
	feed(chunk: Uint8Array): void {
		this.#chunk = chunk;
		this.#pos = 0;
	}

	/** The next complete packet from the fed chunk, or null when the chunk is used up or on error. */
	next(): Packet | null {
		const c = this.#chunk;
		while (this.#status === S.SUCCESS && this.#pos < c.length) {
			if (this.#state === HEADER) this.#header(c[this.#pos++]);
			else if (this.#state === LENGTH) {
				const p = this.#length(c, c[this.#pos++]);
				if (p) return p;
			} else if (this.#gather(c)) return this.#decode(this.#buf, 0, this.#remaining);
		}
		return null;
	}

	#fail(status: S.Status): null {
		this.#status = status;
		return null;
	}

	#header(first: number): void {
		const want = FLAGS[first >> 4];
		const flags = first & 15;
		if (want === -1) this.#fail(S.BAD_PACKET_TYPE);
		else if (want >= 0 && flags !== want) this.#fail(S.BAD_FLAGS);
		else if (want === -2 && (flags & 6) === 6) this.#fail(S.BAD_QOS);
		else if (want === -2 && (flags & 14) === 8) this.#fail(S.BAD_FLAGS);
		this.#first = first;
		this.#state = LENGTH;
		this.#remaining = 0;
		this.#shift = 0;
		this.#lengthBytes = 0;
	}

	#length(c: Uint8Array, b: number): Packet | null {
		this.#lengthBytes++;
		if (b === 0 && this.#lengthBytes > 1) return this.#fail(S.BAD_REMAINING_LENGTH);
		this.#remaining += (b & 0x7f) * 2 ** this.#shift;
		this.#shift += 7;
		if (b & 0x80) return this.#lengthBytes === 4 ? this.#fail(S.BAD_REMAINING_LENGTH) : null;
		const n = this.#remaining;
		if (n > this.#maxPacket) return this.#fail(S.PACKET_TOO_LARGE);
		const start = this.#pos;
		if (c.length - start >= n) {
			this.#state = HEADER;
			this.#pos = start + n;
			return this.#decode(c, start, start + n);
		}
		this.#state = BODY;
		this.#have = 0;
		return null;
	}

	#gather(c: Uint8Array): boolean {
		const n = Math.min(this.#remaining - this.#have, c.length - this.#pos);
		this.#buf.set(c.subarray(this.#pos, this.#pos + n), this.#have);
		this.#have += n;
		this.#pos += n;
		if (this.#have < this.#remaining) return false;
		this.#state = HEADER;
		return true;
	}

	#decode(b: Uint8Array, s: number, e: number): Packet | null {
		const type = this.#first >> 4;
		if (type === P.PUBLISH) return this.#publish(b, s, e);
		if (type === P.CONNACK) return this.#connack(b, s, e);
		if (type === P.SUBACK) return this.#suback(b, s, e);
		if (type === P.PINGRESP) return e === s ? P.makePacket(type) : this.#fail(S.BAD_LENGTH);
		if (e - s !== 2) return this.#fail(S.BAD_LENGTH);
		const p = P.makePacket(type);
		p.packetId = (b[s] << 8) | b[s + 1];
		return p.packetId === 0 ? this.#fail(S.BAD_PACKET_ID) : p;
	}

	#connack(b: Uint8Array, s: number, e: number): Packet | null {
		if (e - s !== 2) return this.#fail(S.BAD_LENGTH);
		const flags = b[s];
		const code = b[s + 1];
		if (flags > 1) return this.#fail(S.BAD_FLAGS);
		if (code > 5 || (code !== 0 && flags !== 0)) return this.#fail(S.BAD_RETURN_CODE);
		const p = P.makePacket(P.CONNACK);
		p.sessionPresent = flags === 1;
		p.returnCode = code;
		return p;
	}

	#suback(b: Uint8Array, s: number, e: number): Packet | null {
		if (e - s < 3) return this.#fail(S.BAD_LENGTH);
		const id = (b[s] << 8) | b[s + 1];
		if (id === 0) return this.#fail(S.BAD_PACKET_ID);
		const granted: number[] = [];
		for (let i = s + 2; i < e; i++) {
			const g = b[i];
			if (g > 2 && g !== P.SUBACK_FAILURE) return this.#fail(S.BAD_RETURN_CODE);
			granted.push(g);
		}
		const p = P.makePacket(P.SUBACK);
		p.packetId = id;
		p.granted = granted;
		return p;
	}

	#publish(b: Uint8Array, s: number, e: number): Packet | null {
		const first = this.#first;
		const qos = (first >> 1) & 3;
		if (e - s < 2) return this.#fail(S.TRUNCATED);
		const topicLength = (b[s] << 8) | b[s + 1];
		const t = s + 2;
		let o = t + topicLength;
		if (o + (qos > 0 ? 2 : 0) > e) return this.#fail(S.TRUNCATED);
		const topic = this.#topicAt(b, t, o);
		if (topic === null) return null;
		const p = P.makePacket(P.PUBLISH);
		if (qos > 0) {
			p.packetId = (b[o] << 8) | b[o + 1];
			if (p.packetId === 0) return this.#fail(S.BAD_PACKET_ID);
			o += 2;
		}
		p.qos = qos;
		p.dup = (first & 8) !== 0;
		p.retain = (first & 1) !== 0;
		p.topic = topic;
		p.payload = b.subarray(o, e);
		return p;
	}

	/** Topic name at b[s, e): the last one is kept, so a repeated topic is compared, not decoded. */
	#topicAt(b: Uint8Array, s: number, e: number): string | null {
		const n = e - s;
		const cache = this.#topicBytes;
		if (n === this.#topicLength) {
			let i = 0;
			while (i < n && cache[i] === b[s + i]) i++;
			if (i === n) return this.#topic;
		}
		const ascii = n <= cache.length && plainAscii(b, s, e, cache);
		if (!ascii) this.#topicLength = -1; // plainAscii may have copied part of this topic over the cached one
		const topic = ascii ? asciiString(b, s, e) : utf8Decode(b, s, e);
		if (topic === undefined) return this.#fail(S.BAD_UTF8);
		if (n === 0 || (!ascii && /[\0+#]/.test(topic))) return this.#fail(S.BAD_TOPIC);
		if (n <= cache.length) {
			if (!ascii) cache.set(b.subarray(s, e));
			this.#topicLength = n;
			this.#topic = topic;
		}
		return topic;
	}
}

const PLUS = 0x2b;
const HASH = 0x23;

/**
 * True when b[s, e) is plain ASCII with no U+0000 and no wildcard (the usual topic: no UTF-8 decoding
 * needed), copying it to `copy` on the way; false leaves the topic to the general path.
 */
function plainAscii(b: Uint8Array, s: number, e: number, copy: Uint8Array): boolean {
	for (let i = s; i < e; i++) {
		const c = b[i];
		if (c >= 0x80 || c === 0 || c === PLUS || c === HASH) return false;
		copy[i - s] = c;
	}
	return true;
}

/** The string of ASCII bytes b[s, e), eight characters per call (no per-character string, no view). */
function asciiString(b: Uint8Array, s: number, e: number): string {
	let text = "";
	let i = s;
	for (; i + 8 <= e; i += 8) text += String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
	for (; i < e; i++) text += String.fromCharCode(b[i]);
	return text;
}
