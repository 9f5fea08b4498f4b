/*
 * limits — the broker's limits and refusals, as options with defaults. The AWS numbers come from LIMITS
 * (modules/facts); the packet limit is derived from them; the rest (handshake, retained store) are this
 * broker's own bounds. docs/cloud.md "Limits and refusals (broker)" describes what each refusal looks like.
 */
import { LIMITS } from "../../modules/facts/facts";

export interface BrokerLimits {
	/** largest PUBLISH payload, bytes */
	maxPayloadBytes: number;
	/** largest topic (and subscription filter), bytes of UTF-8 */
	maxTopicBytes: number;
	/** forward slashes in a topic or filter, the `$aws/things/<thing>/` prefix excluded */
	maxTopicSlashes: number;
	/** largest MQTT packet (fixed header + remaining length); refused from the fixed header, before it is buffered */
	maxPacketBytes: number;
	/** PUBLISH packets per second per connection; the excess is dropped */
	maxPublishesPerSecond: number;
	/** distinct subscriptions per connection; past it SUBACK 0x80 */
	maxSubscriptionsPerConnection: number;
	/** highest QoS granted (a QoS 2 SUBSCRIBE is granted this; a QoS 2 PUBLISH closes the connection) */
	maxQos: 0 | 1;
	/** retained messages kept by the broker, and their total payload bytes */
	maxRetainedMessages: number;
	maxRetainedBytes: number;
	/** ms a socket may take from TCP accept to the end of the TLS handshake */
	handshakeTimeoutMs: number;
	/** ms from the end of the TLS handshake to an accepted CONNECT */
	connectTimeoutMs: number;
	/** concurrent connections of one source address not yet authenticated (TLS + CONNECT) */
	maxPreAuthPerAddress: number;
}

/** fixed header (1 type byte + up to 4 length bytes) + packet id + topic length prefix */
const PACKET_OVERHEAD = 1 + 4 + 2 + 2;

export function packetLimit(maxPayloadBytes: number, maxTopicBytes: number): number {
	return maxPayloadBytes + maxTopicBytes + PACKET_OVERHEAD;
}

export const DEFAULT_BROKER_LIMITS: Readonly<BrokerLimits> = Object.freeze({
	maxPayloadBytes: LIMITS.maxPayloadBytes,
	maxTopicBytes: LIMITS.maxTopicBytes,
	maxTopicSlashes: LIMITS.maxTopicSlashes,
	maxPacketBytes: packetLimit(LIMITS.maxPayloadBytes, LIMITS.maxTopicBytes),
	maxPublishesPerSecond: LIMITS.maxPublishesPerSecond,
	maxSubscriptionsPerConnection: LIMITS.maxSubscriptionsPerConnection,
	maxQos: LIMITS.maxQos,
	maxRetainedMessages: 10_000,
	maxRetainedBytes: 64 * 1024 * 1024,
	handshakeTimeoutMs: 10_000,
	connectTimeoutMs: 10_000,
	maxPreAuthPerAddress: 128,
});

/** The defaults with `given` on top; the packet limit follows a changed payload or topic limit unless given. */
export function resolveLimits(given: Partial<BrokerLimits> = {}): BrokerLimits {
	const merged = { ...DEFAULT_BROKER_LIMITS, ...given };
	if (given.maxPacketBytes === undefined) merged.maxPacketBytes = packetLimit(merged.maxPayloadBytes, merged.maxTopicBytes);
	for (const [name, value] of Object.entries(merged)) {
		if (!Number.isInteger(value) || value < 0) throw new Error(`broker limit ${name} must be a non-negative integer, got ${String(value)}`);
	}
	if (merged.maxQos > 1) throw new Error(`broker limit maxQos must be 0 or 1, got ${merged.maxQos}`);
	return merged;
}
