/*
 * packets — MQTT 3.1.1 wire constants and the decoded-packet record.
 * Spec: https://docs.oasis-open.org/mqtt/mqtt/v3.1.1/os/mqtt-v3.1.1-os.html §2 (fixed header), §3 (packets).
 */

export const CONNECT = 1;
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const PUBREC = 5;
export const PUBREL = 6;
export const PUBCOMP = 7;
export const SUBSCRIBE = 8;
export const SUBACK = 9;
export const UNSUBSCRIBE = 10;
export const UNSUBACK = 11;
export const PINGREQ = 12;
export const PINGRESP = 13;
export const DISCONNECT = 14;

/** SUBACK return code for a refused topic filter. */
export const SUBACK_FAILURE = 0x80;
/** Largest remaining length MQTT can express (4 length bytes). */
export const MAX_REMAINING_LENGTH = 268435455;
/** Longest topic this client sends or accepts, in UTF-8 bytes (AWS IoT's limit is 256). */
export const MAX_TOPIC_BYTES = 256;

/**
 * One decoded packet. Every field is always present (one object shape); fields a packet type does
 * not use hold their zero value. `payload` is a view into the parser's input or buffer: valid only
 * until the next call into the parser; copy it to keep it.
 */
export interface Packet {
	type: number;
	dup: boolean;
	qos: number;
	retain: boolean;
	/** PUBLISH (QoS > 0), PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK; else 0. */
	packetId: number;
	/** PUBLISH topic name; else "". */
	topic: string;
	payload: Uint8Array;
	/** CONNACK. */
	sessionPresent: boolean;
	returnCode: number;
	/** SUBACK return codes (0, 1, 2 or 0x80), one per filter; else empty. */
	granted: readonly number[];
}

export const EMPTY = new Uint8Array(0);
const NONE: readonly number[] = Object.freeze([]);

export function makePacket(type: number): Packet {
	return { type, dup: false, qos: 0, retain: false, packetId: 0, topic: "", payload: EMPTY, sessionPresent: false, returnCode: 0, granted: NONE };
}
