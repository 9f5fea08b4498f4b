/*
 * mqtt-codec — glue between the fixtures and the codec: run an EncodeInput through our encoder,
 * parse a byte array whole or in pieces into Decoded records. No Node imports (bundled for XS too).
 */
import * as E from "../../modules/mqtt/encode";
import { MqttParser } from "../../modules/mqtt/parser";
import { statusName } from "../../modules/mqtt/status";
import type { Packet } from "../../modules/mqtt/packets";
import type { Decoded, EncodeInput } from "../fixtures/mqtt-packets";

/** Encodes `o` at out[offset]; returns the end offset or -status. */
export function encodeInput(out: Uint8Array, offset: number, o: EncodeInput): number {
	switch (o.type) {
		case "connect":
			return E.encodeConnect(out, offset, { clientId: o.clientId, keepAliveSeconds: o.keepAliveSeconds, cleanSession: o.cleanSession, username: o.username, password: o.password ? new Uint8Array(o.password) : undefined });
		case "publish":
			return E.encodePublish(out, offset, o.topic, new Uint8Array(o.payload), o.qos, o.packetId, o.dup, o.retain);
		case "puback":
			return E.encodePuback(out, offset, o.packetId);
		case "subscribe":
			return E.encodeSubscribe(out, offset, o.packetId, o.filter, o.qos);
		case "unsubscribe":
			return E.encodeUnsubscribe(out, offset, o.packetId, o.filter);
		case "pingreq":
			return E.encodeEmpty(out, offset, 12);
		default:
			return E.encodeEmpty(out, offset, 14);
	}
}

/** All fields of a packet as plain data (payload copied to an array). */
export function decoded(p: Packet): Required<Decoded> {
	return { type: p.type, dup: p.dup, qos: p.qos, retain: p.retain, packetId: p.packetId, topic: p.topic, payload: Array.from(p.payload), sessionPresent: p.sessionPresent, returnCode: p.returnCode, granted: p.granted.slice() };
}

export interface ParseResult {
	packets: Required<Decoded>[];
	status: string;
	partial: boolean;
}

/** Feeds `bytes` to a fresh parser in chunks cut at `cuts` (ascending offsets). */
export function parseChunks(bytes: ArrayLike<number>, cuts: number[] = [], maxPacket = 1024): ParseResult {
	const parser = new MqttParser(maxPacket);
	const all = Uint8Array.from(bytes as ArrayLike<number>);
	const packets: Required<Decoded>[] = [];
	let start = 0;
	for (const end of [...cuts, all.length]) {
		parser.feed(all.subarray(start, end));
		for (let p = parser.next(); p; p = parser.next()) packets.push(decoded(p));
		start = end;
	}
	return { packets, status: statusName(parser.status), partial: parser.partial };
}
