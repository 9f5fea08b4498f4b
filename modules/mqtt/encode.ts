/*
 * encode — MQTT 3.1.1 packet writers for what a client sends (coreMQTT's serializer in spirit).
 *
 * Each packet has a size function and a write function. Size first, then write into a buffer the
 * caller owns: encodeX(out, offset, ...) returns the offset just after the packet, or a negative
 * status (-BUFFER_TOO_SMALL, -BAD_TOPIC, -BAD_PARAMETER, -PAYLOAD_TOO_LARGE). Nothing is allocated.
 */
import { utf8Length, utf8Write } from "../bytes/utf8";
import { BAD_PARAMETER, BUFFER_TOO_SMALL, PAYLOAD_TOO_LARGE } from "./status";
import { CONNECT, DISCONNECT, MAX_REMAINING_LENGTH, MAX_TOPIC_BYTES, PINGREQ, PUBACK, PUBLISH, SUBSCRIBE, UNSUBSCRIBE } from "./packets";
import { topicFilterLength, topicNameLength } from "./topic";

export interface ConnectOptions {
	clientId: string;
	keepAliveSeconds: number;
	cleanSession: boolean;
	username?: string;
	password?: Uint8Array;
}

/** Bytes the remaining-length field takes (1..4). */
export function lengthBytes(remaining: number): number {
	return remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4;
}

/** Writes the fixed header (first byte + remaining length); returns the offset after it. */
export function writeHeader(out: Uint8Array, offset: number, first: number, remaining: number): number {
	let o = offset;
	out[o++] = first;
	let n = remaining;
	do {
		let b = n & 0x7f;
		n >>>= 7;
		if (n > 0) b |= 0x80;
		out[o++] = b;
	} while (n > 0);
	return o;
}

function finish(out: Uint8Array, offset: number, remaining: number): number {
	if (remaining > MAX_REMAINING_LENGTH) return -PAYLOAD_TOO_LARGE;
	const total = 1 + lengthBytes(remaining) + remaining;
	return offset + total > out.length ? -BUFFER_TOO_SMALL : total;
}

function writeU16(out: Uint8Array, o: number, v: number): number {
	out[o] = v >> 8;
	out[o + 1] = v & 0xff;
	return o + 2;
}

function writeString(out: Uint8Array, o: number, text: string, length: number): number {
	return utf8Write(text, out, writeU16(out, o, length));
}

function validPacketId(id: number): boolean {
	return Number.isInteger(id) && id > 0 && id <= 0xffff;
}

/** CONNECT (§3.1): protocol "MQTT" level 4, no will. */
export function encodeConnect(out: Uint8Array, offset: number, c: ConnectOptions): number {
	const idLength = utf8Length(c.clientId);
	const userLength = c.username === undefined ? -1 : utf8Length(c.username);
	const passLength = c.password === undefined ? -1 : c.password.length;
	const ka = c.keepAliveSeconds;
	if (idLength > 0xffff || userLength > 0xffff || passLength > 0xffff || !(ka >= 0 && ka <= 0xffff) || (passLength >= 0 && userLength < 0)) return -BAD_PARAMETER;
	const remaining = 10 + 2 + idLength + (userLength >= 0 ? 2 + userLength : 0) + (passLength >= 0 ? 2 + passLength : 0);
	const total = finish(out, offset, remaining);
	if (total < 0) return total;
	let o = writeHeader(out, offset, CONNECT << 4, remaining);
	o = writeU16(out, o, 4);
	out[o++] = 0x4d; out[o++] = 0x51; out[o++] = 0x54; out[o++] = 0x54; // "MQTT"
	out[o++] = 4;
	out[o++] = (userLength >= 0 ? 0x80 : 0) | (passLength >= 0 ? 0x40 : 0) | (c.cleanSession ? 0x02 : 0);
	o = writeU16(out, o, ka);
	o = writeString(out, o, c.clientId, idLength);
	if (userLength >= 0) o = writeString(out, o, c.username as string, userLength);
	if (passLength >= 0) {
		o = writeU16(out, o, passLength);
		out.set(c.password as Uint8Array, o);
		o += passLength;
	}
	return o;
}

/** Total size of a PUBLISH for a topic of `topicBytes` UTF-8 bytes. */
export function publishSize(topicBytes: number, payloadLength: number, qos: number): number {
	const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payloadLength;
	return 1 + lengthBytes(remaining) + remaining;
}

/*
 * One-entry cache of a repeated topic name and its UTF-8 bytes: a device mostly publishes to the same
 * topic, so a repeat is a string compare and a copy. A topic is cached only when it comes twice in a
 * row, so topics that change every packet allocate nothing: they are written straight into `out`.
 * Allocated on first use, never at module load (preloaded objects are read-only on Moddable).
 */
let lastTopic = "";
let lastTopicBytes: Uint8Array | undefined;
let previousTopic = "";

const PLUS = 0x2b;
const HASH = 0x23;

function publishFirst(dup: boolean, qos: number, retain: boolean): number {
	return (PUBLISH << 4) | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0);
}

function publishParametersValid(qos: number, packetId: number, dup: boolean): boolean {
	return (qos === 0 || qos === 1) && (qos === 0 || validPacketId(packetId)) && !(dup && qos === 0);
}

/** Writes packet id (QoS 1) and payload after the topic; returns the offset after the packet. */
function publishTail(out: Uint8Array, o: number, payload: Uint8Array, qos: number, packetId: number): number {
	if (qos > 0) o = writeU16(out, o, packetId);
	out.set(payload, o);
	return o + payload.length;
}

/**
 * The common case without allocating: a valid packet whose topic is plain ASCII (no U+0000, no
 * wildcard), written straight into `out`. Returns -1 whenever the general path must decide (non-ASCII
 * topic, any error), which then rewrites the packet from the start.
 */
function publishAscii(out: Uint8Array, offset: number, topic: string, payload: Uint8Array, qos: number, packetId: number, dup: boolean, retain: boolean): number {
	const n = topic.length;
	if (n === 0 || n > MAX_TOPIC_BYTES || !publishParametersValid(qos, packetId, dup)) return -1;
	const remaining = 2 + n + (qos > 0 ? 2 : 0) + payload.length;
	if (finish(out, offset, remaining) < 0) return -1;
	const start = writeU16(out, writeHeader(out, offset, publishFirst(dup, qos, retain), remaining), n);
	for (let i = 0; i < n; i++) {
		const c = topic.charCodeAt(i);
		if (c >= 0x80 || c === 0 || c === PLUS || c === HASH) return -1;
		out[start + i] = c;
	}
	if (topic === previousTopic) {
		lastTopic = topic;
		lastTopicBytes = out.slice(start, start + n);
	}
	previousTopic = topic;
	return publishTail(out, start + n, payload, qos, packetId);
}

function topicEncoded(topic: string): Uint8Array | number {
	if (topic === lastTopic && lastTopicBytes) return lastTopicBytes;
	const n = topicNameLength(topic);
	if (n < 0) return n;
	const bytes = new Uint8Array(n);
	utf8Write(topic, bytes, 0);
	lastTopic = topic;
	lastTopicBytes = bytes;
	return bytes;
}

/** PUBLISH (§3.3), QoS 0 or 1 (QoS 2 refused with BAD_PARAMETER). packetId is ignored for QoS 0. */
export function encodePublish(out: Uint8Array, offset: number, topic: string, payload: Uint8Array, qos: number, packetId: number, dup: boolean, retain: boolean): number {
	if (topic !== lastTopic) {
		const end = publishAscii(out, offset, topic, payload, qos, packetId, dup, retain);
		if (end >= 0) return end;
	}
	const encoded = topicEncoded(topic);
	if (typeof encoded === "number") return encoded;
	const topicBytes = encoded.length;
	if ((qos !== 0 && qos !== 1) || (qos === 1 && !validPacketId(packetId)) || (dup && qos === 0)) return -BAD_PARAMETER;
	const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payload.length;
	const total = finish(out, offset, remaining);
	if (total < 0) return total;
	let o = writeU16(out, writeHeader(out, offset, (PUBLISH << 4) | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), remaining), topicBytes);
	out.set(encoded, o);
	o += topicBytes;
	if (qos > 0) o = writeU16(out, o, packetId);
	out.set(payload, o);
	return o + payload.length;
}

/** PUBACK (§3.4). */
export function encodePuback(out: Uint8Array, offset: number, packetId: number): number {
	if (!validPacketId(packetId)) return -BAD_PARAMETER;
	if (offset + 4 > out.length) return -BUFFER_TOO_SMALL;
	out[offset] = PUBACK << 4;
	out[offset + 1] = 2;
	return writeU16(out, offset + 2, packetId);
}

/** SUBSCRIBE (§3.8) with one topic filter at QoS 0 or 1. */
export function encodeSubscribe(out: Uint8Array, offset: number, packetId: number, filter: string, qos: number): number {
	const filterBytes = topicFilterLength(filter);
	if (filterBytes < 0) return filterBytes;
	if (!validPacketId(packetId) || (qos !== 0 && qos !== 1)) return -BAD_PARAMETER;
	const remaining = 2 + 2 + filterBytes + 1;
	const total = finish(out, offset, remaining);
	if (total < 0) return total;
	let o = writeHeader(out, offset, (SUBSCRIBE << 4) | 2, remaining);
	o = writeU16(out, o, packetId);
	o = writeString(out, o, filter, filterBytes);
	out[o] = qos;
	return o + 1;
}

/** UNSUBSCRIBE (§3.10) with one topic filter. */
export function encodeUnsubscribe(out: Uint8Array, offset: number, packetId: number, filter: string): number {
	const filterBytes = topicFilterLength(filter);
	if (filterBytes < 0) return filterBytes;
	if (!validPacketId(packetId)) return -BAD_PARAMETER;
	const remaining = 2 + 2 + filterBytes;
	const total = finish(out, offset, remaining);
	if (total < 0) return total;
	const o = writeHeader(out, offset, (UNSUBSCRIBE << 4) | 2, remaining);
	return writeString(out, writeU16(out, o, packetId), filter, filterBytes);
}

/** PINGREQ (§3.12) or DISCONNECT (§3.14): two bytes. */
export function encodeEmpty(out: Uint8Array, offset: number, type: typeof PINGREQ | typeof DISCONNECT): number {
	if (offset + 2 > out.length) return -BUFFER_TOO_SMALL;
	out[offset] = type << 4;
	out[offset + 1] = 0;
	return offset + 2;
}
