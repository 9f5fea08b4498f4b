/*
 * status — the closed set of MQTT statuses (coreMQTT's MQTTStatus_t in spirit).
 *
 * Every codec and session function reports one of these numbers; nothing in modules/mqtt throws on
 * bad input. statusName(s) gives the stable code string ("BAD_REMAINING_LENGTH") for logs and
 * state reasons. SUCCESS is 0; QUEUED is a success too (see isSuccess).
 */

export const SUCCESS = 0;
/** publish(): stored and sent when connected and the in-flight window has room. */
export const QUEUED = 1;
/** A caller passed a bad argument (empty client id, QoS outside 0..1, ...). */
export const BAD_PARAMETER = 2;
/** The output buffer is too small for the packet. */
export const BUFFER_TOO_SMALL = 3;
/** A topic (name or filter) is empty, too long, not UTF-8, has U+0000 or misplaced wildcards. */
export const BAD_TOPIC = 4;
/** A payload is above the configured maximum. */
export const PAYLOAD_TOO_LARGE = 5;
/** QoS 0 publish while not connected. */
export const NOT_CONNECTED = 6;
/** The QoS 1 queue is full. */
export const QUEUE_FULL = 7;
/** The transmit buffer has no room now; try again later. */
export const TX_BUSY = 8;
/** A packet type a client never receives (or type 0 / 15). */
export const BAD_PACKET_TYPE = 9;
/** Reserved fixed-header flag bits have the wrong value. */
export const BAD_FLAGS = 10;
/** Remaining length longer than 4 bytes or not minimally encoded. */
export const BAD_REMAINING_LENGTH = 11;
/** Remaining length above the configured receive maximum: refused, not buffered. */
export const PACKET_TOO_LARGE = 12;
/** A fixed-size packet has the wrong remaining length. */
export const BAD_LENGTH = 13;
/** A field runs past the end of the packet, or the stream ended inside a packet. */
export const TRUNCATED = 14;
/** A string is not well-formed UTF-8. */
export const BAD_UTF8 = 15;
/** Packet identifier 0 where a non-zero one is required. */
export const BAD_PACKET_ID = 16;
/** CONNACK/SUBACK return code outside the MQTT 3.1.1 set, or CONNACK flags invalid. */
export const BAD_RETURN_CODE = 17;
/** QoS bits are 3 in a PUBLISH header. */
export const BAD_QOS = 18;
/** QoS 2 traffic (PUBREC/PUBREL/PUBCOMP or a QoS 2 PUBLISH): this client does QoS 0 and 1 only. */
export const QOS2_UNSUPPORTED = 19;
/** A valid packet at the wrong time (a second CONNACK, PUBLISH before CONNACK, ...). */
export const UNEXPECTED_PACKET = 20;
/** No CONNACK within the connect timeout. */
export const CONNECT_TIMEOUT = 21;
/** Nothing read for 1.5 × keep-alive: the link is dead. */
export const KEEPALIVE_TIMEOUT = 22;
/** CONNACK 1: unacceptable protocol version. */
export const REFUSED_PROTOCOL_VERSION = 23;
/** CONNACK 2: identifier rejected. */
export const REFUSED_IDENTIFIER = 24;
/** CONNACK 3: server unavailable. */
export const REFUSED_SERVER_UNAVAILABLE = 25;
/** CONNACK 4: bad user name or password. */
export const REFUSED_BAD_CREDENTIALS = 26;
/** CONNACK 5: not authorized. */
export const REFUSED_NOT_AUTHORIZED = 27;
/** The transport reported an error (TLS failure, reset, refused ...). */
export const TRANSPORT_ERROR = 28;
/** The transport closed (peer closed the connection). */
export const TRANSPORT_CLOSED = 29;
/** The client was stopped. */
export const STOPPED = 30;
/** SUBACK returned 0x80 for a topic filter. */
export const SUBSCRIBE_REFUSED = 31;

const NAMES: readonly string[] = Object.freeze([
	"SUCCESS", "QUEUED", "BAD_PARAMETER", "BUFFER_TOO_SMALL", "BAD_TOPIC", "PAYLOAD_TOO_LARGE",
	"NOT_CONNECTED", "QUEUE_FULL", "TX_BUSY", "BAD_PACKET_TYPE", "BAD_FLAGS", "BAD_REMAINING_LENGTH",
	"PACKET_TOO_LARGE", "BAD_LENGTH", "TRUNCATED", "BAD_UTF8", "BAD_PACKET_ID", "BAD_RETURN_CODE",
	"BAD_QOS", "QOS2_UNSUPPORTED", "UNEXPECTED_PACKET", "CONNECT_TIMEOUT", "KEEPALIVE_TIMEOUT",
	"REFUSED_PROTOCOL_VERSION", "REFUSED_IDENTIFIER", "REFUSED_SERVER_UNAVAILABLE",
	"REFUSED_BAD_CREDENTIALS", "REFUSED_NOT_AUTHORIZED", "TRANSPORT_ERROR", "TRANSPORT_CLOSED",
	"STOPPED", "SUBSCRIBE_REFUSED",
]);

export type Status = number;

/** Stable code string of a status; "UNKNOWN_STATUS" for a number outside the set. */
export function statusName(status: Status): string {
	return NAMES[status] ?? "UNKNOWN_STATUS";
}

/** SUCCESS and QUEUED are successes; everything else is a refusal or an error. */
export function isSuccess(status: Status): boolean {
	return status === SUCCESS || status === QUEUED;
}

/** Maps a non-zero CONNACK return code (1..5) to its status. */
export function connackStatus(returnCode: number): Status {
	return returnCode === 0 ? SUCCESS : REFUSED_PROTOCOL_VERSION + returnCode - 1;
}
