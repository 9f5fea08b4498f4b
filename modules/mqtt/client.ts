/*
 * client — MqttClient, an MQTT 3.1.1 session over any byte transport (see transport.ts).
 *
 * const client = new MqttClient({
 *   clientId: "MyThing", keepAliveSeconds: 60, clock, openTransport: (h) => openTls(h, tlsOptions),
 *   maxPayload: 4096, maxInflight: 4, reconnect: { minMs: 1000, maxMs: 60000 },
 *   onMessage(topic, payload, qos) {}, onState(state, reason) {}, onPublished(packetId) {},
 * });
 * client.subscribe("$aws/things/MyThing/defender/metrics/json/+", 1);
 * client.start();
 * const st = client.publish(topic, bytes, 1);   // SUCCESS (on the wire), QUEUED, or a refusal
 * if (!isSuccess(st)) log(statusName(st));
 *
 * Options: clientId, keepAliveSeconds (0 = off), clock (Clock: all timers and ticks), openTransport
 * (called once per connection attempt), maxPayload (largest payload sent or received; a larger one
 * is refused: publish → PAYLOAD_TOO_LARGE, received → link dropped with PACKET_TOO_LARGE or
 * PAYLOAD_TOO_LARGE), maxInflight (QoS 1 PUBLISHes awaiting PUBACK at once), maxQueued (QoS 1
 * messages held in all, default 4 × maxInflight), reconnect {minMs, maxMs}, connectTimeoutMs
 * (open + CONNACK, default 10000), stableMs (how long a connection must stay up before the back-off
 * starts over, default one keep-alive period or 60 s: a broker that CONNACKs and then drops the
 * link keeps the back-off growing), random (default Math.random), cleanSession (default true),
 * username, password, log, and the callbacks below (also assignable as properties).
 *
 * Callbacks (exceptions thrown by them are caught and logged):
 *   onMessage(topic, payload, qos)  payload is a view valid during the call only: copy to keep.
 *                                   A QoS 1 message is acknowledged after onMessage returns.
 *   onState(state, reason?)         state: "connecting" | "connected" | "waiting" (back-off
 *                                   before the next attempt) | "stopped"; reason is a status name,
 *                                   e.g. "REFUSED_NOT_AUTHORIZED", "KEEPALIVE_TIMEOUT",
 *                                   "TRANSPORT_ERROR: <transport's reason>".
 *   onPublished(packetId)           a QoS 1 message was acknowledged (PUBACK).
 *   onSubscribed(filter, status, qos) SUBACK: status SUCCESS with the granted QoS, or
 *                                   SUBSCRIBE_REFUSED (0x80, qos = 0x80).
 *
 * Methods: start(); stop() (DISCONNECT, close, no reconnect; queued QoS 1 messages are kept for
 * the next start()); publish(topic, payload, qos 0|1, retain?) → Status; subscribe(filter, qos) →
 * Status (kept and restored after every reconnect); unsubscribe(filter) → Status.
 * Getters: state, connected, lastPacketId (id given to the last QoS 1 publish), reason, stats.
 *
 * publish statuses: SUCCESS (written to the transport; for QoS 1 in flight), QUEUED (QoS 1 held
 * until connected / window room), NOT_CONNECTED (QoS 0 offline), TX_BUSY (QoS 0, transmit buffer
 * full), QUEUE_FULL, PAYLOAD_TOO_LARGE, BAD_TOPIC, BAD_PARAMETER. QoS 1 is queued even while
 * idle or stopped. Getter `queued`: QoS 1 messages held (queued + in flight).
 */
import type { Clock, Log, TimerHandle } from "../platform/platform";
import type { OpenTransport } from "./transport";
import * as S from "./status";
import { Link } from "./link";
import type { LinkStats } from "./link";
import { Outbox } from "./outbox";
import { Subscriptions } from "./subscriptions";
import { topicFilterLength, topicNameLength } from "./topic";
import { backoffDelay } from "./timing";

export type MqttState = "idle" | "connecting" | "connected" | "waiting" | "stopped";

export interface MqttStats extends LinkStats {
	/** CONNACK accepted. */
	connects: number;
	/** Established connections that were lost (not counting stop()). */
	disconnects: number;
	/** publish() calls refused (any status other than SUCCESS/QUEUED). */
	refused: number;
}

export interface MqttCallbacks {
	onMessage?(topic: string, payload: Uint8Array, qos: number): void;
	onState?(state: MqttState, reason?: string): void;
	onPublished?(packetId: number): void;
	onSubscribed?(filter: string, status: S.Status, qos: number): void;
}

export interface MqttClientOptions extends MqttCallbacks {
	clientId: string;
	keepAliveSeconds: number;
	clock: Clock;
	openTransport: OpenTransport;
	maxPayload: number;
	maxInflight: number;
	maxQueued?: number;
	reconnect: { minMs: number; maxMs: number };
	connectTimeoutMs?: number;
	/** A connection up this long resets the reconnect back-off (default keep-alive, or 60 s when it is 0). */
	stableMs?: number;
	random?: () => number;
	cleanSession?: boolean;
	username?: string;
	password?: Uint8Array;
	log?: Log;
}

/** A bad constructor option (programming error, thrown once at construction). */
export class MqttConfigError extends Error {
	readonly code = "BAD_PARAMETER";
}

export class MqttClient implements MqttCallbacks {
	onMessage?: MqttCallbacks["onMessage"];
	onState?: MqttCallbacks["onState"];
	onPublished?: MqttCallbacks["onPublished"];
	onSubscribed?: MqttCallbacks["onSubscribed"];
	readonly stats: MqttStats = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, acked: 0, retransmits: 0, connects: 0, disconnects: 0, refused: 0 };
	readonly #o: MqttClientOptions;
	readonly #outbox: Outbox;
	readonly #subs = new Subscriptions();
	readonly #link: Link;
	#state: MqttState = "idle";
	#reason = "";
	#timer: TimerHandle | undefined;
	#failures = 0;
	/** clock.ticks() of the last CONNACK. */
	#connectedAt = 0;
	#nextId = 0;
	#lastPacketId = 0;

	constructor(options: MqttClientOptions) {
		checkOptions(options);
		this.#o = options;
		this.#outbox = new Outbox(options.maxQueued ?? options.maxInflight * 4, options.maxInflight);
		this.#link = new Link(options, this.stats, this.#outbox, this.#subs, {
			allocateId: () => this.#allocateId(),
			connected: (sessionPresent) => this.#connected(sessionPresent),
			lost: (status, detail) => this.#lost(status, detail),
			message: (topic, payload, qos) => this.#call(() => this.onMessage?.(topic, payload, qos)),
			published: (id) => this.#call(() => this.onPublished?.(id)),
			subscribed: (filter, status, qos) => this.#call(() => this.onSubscribed?.(filter, status, qos)),
		});
		this.onMessage = options.onMessage;
		this.onState = options.onState;
		this.onPublished = options.onPublished;
		this.onSubscribed = options.onSubscribed;
	}

	get state(): MqttState {
		return this.#state;
	}

	get connected(): boolean {
		return this.#state === "connected";
	}

	/** Why the client last left "connected"/"connecting" (a status name, maybe with detail). */
	get reason(): string {
		return this.#reason;
	}

	get lastPacketId(): number {
		return this.#lastPacketId;
	}

	/** QoS 1 messages held (queued + in flight). */
	get queued(): number {
		return this.#outbox.length;
	}

	start(): void {
		if (this.#state === "idle" || this.#state === "stopped") this.#connect();
	}

	stop(): void {
		this.#clearTimer();
		this.#link.close(true);
		this.#outbox.requeue();
		this.#subs.requeue();
		this.#setState("stopped", S.statusName(S.STOPPED));
	}

	publish(topic: string, payload: Uint8Array, qos: 0 | 1, retain = false): S.Status {
		const st = this.#publish(topic, payload, qos, retain);
		if (!S.isSuccess(st)) this.stats.refused++;
		return st;
	}

	subscribe(filter: string, qos: 0 | 1): S.Status {
		if (topicFilterLength(filter) < 0) return S.BAD_TOPIC;
		if (qos !== 0 && qos !== 1) return S.BAD_PARAMETER;
		this.#subs.add(filter, qos);
		this.#link.pump();
		return S.SUCCESS;
	}

	unsubscribe(filter: string): S.Status {
		if (topicFilterLength(filter) < 0) return S.BAD_TOPIC;
		this.#subs.remove(filter);
		return this.connected ? this.#link.unsubscribe(this.#allocateId(), filter) : S.SUCCESS;
	}

	#publish(topic: string, payload: Uint8Array, qos: number, retain: boolean): S.Status {
		if (topicNameLength(topic) < 0) return S.BAD_TOPIC;
		if (qos !== 0 && qos !== 1) return S.BAD_PARAMETER;
		if (payload.length > this.#o.maxPayload) return S.PAYLOAD_TOO_LARGE;
		if (qos === 0) return this.connected ? this.#link.publish0(topic, payload, retain) : S.NOT_CONNECTED;
		if (this.#outbox.full) return S.QUEUE_FULL;
		const m = this.#outbox.add(this.#allocateId(), topic, payload);
		this.#lastPacketId = m.id;
		this.#link.pump();
		return m.sent ? S.SUCCESS : S.QUEUED;
	}

	#allocateId(): number {
		do this.#nextId = (this.#nextId % 0xffff) + 1;
		while (this.#outbox.holds(this.#nextId) || this.#subs.holds(this.#nextId));
		return this.#nextId;
	}

	#connect(): void {
		this.#clearTimer();
		this.#setState("connecting");
		if (this.#state !== "connecting") return; // stopped from inside onState
		this.#timer = this.#o.clock.set(() => this.#call(() => {
			this.#timer = undefined;
			this.#link.close(false);
			this.#lost(S.CONNECT_TIMEOUT);
		}), this.#o.connectTimeoutMs ?? 10000);
		this.#link.open();
	}

	#connected(sessionPresent: boolean): void {
		this.#clearTimer();
		this.#connectedAt = this.#ticks();
		this.stats.connects++;
		this.#setState("connected", sessionPresent ? "session present" : undefined);
	}

	/** The link is closed: count, requeue, report and schedule the next attempt. */
	#lost(status: S.Status, detail?: string): void {
		this.#clearTimer();
		if (this.#state === "connected") {
			this.stats.disconnects++;
			if (this.#ticks() - this.#connectedAt >= stableMs(this.#o)) this.#failures = 0;
		}
		this.#outbox.requeue();
		this.#subs.requeue();
		const reason = detail ? `${S.statusName(status)}: ${detail}` : S.statusName(status);
		this.#call(() => this.#o.log?.(`mqtt: connection lost (${reason})`));
		const delay = backoffDelay(this.#failures++, this.#o.reconnect.minMs, this.#o.reconnect.maxMs, this.#o.random ?? Math.random);
		this.#timer = this.#o.clock.set(() => this.#call(() => {
			this.#timer = undefined;
			this.#connect();
		}), delay);
		this.#setState("waiting", reason);
	}

	/** clock.ticks(), or NaN when the clock throws (a broken clock never resets the back-off). */
	#ticks(): number {
		try {
			return this.#o.clock.ticks();
		} catch {
			return NaN;
		}
	}

	#clearTimer(): void {
		if (this.#timer !== undefined) this.#o.clock.clear(this.#timer);
		this.#timer = undefined;
	}

	#setState(state: MqttState, reason?: string): void {
		this.#state = state;
		if (reason !== undefined && state !== "connected") this.#reason = reason;
		this.#call(() => this.onState?.(state, reason));
	}

	/** Runs an application callback or a timer step; an exception is logged, never thrown into the event loop. */
	#call(f: () => void): void {
		try {
			f();
		} catch (e) {
			try {
				this.#o.log?.(`mqtt: callback threw: ${String(e)}`);
			} catch {
				// the log threw too: nothing left to tell
			}
		}
	}
}

/** How long a connection must last before a loss starts the back-off over. */
function stableMs(o: MqttClientOptions): number {
	return o.stableMs ?? (o.keepAliveSeconds > 0 ? o.keepAliveSeconds * 1000 : 60_000);
}

function checkOptions(o: MqttClientOptions): void {
	const bad = (what: string) => {
		throw new MqttConfigError(`mqtt: ${what}`);
	};
	if (typeof o.clientId !== "string" || o.clientId.length > 0xffff) bad("clientId must be a string of at most 65535 bytes");
	if (!(o.keepAliveSeconds >= 0 && o.keepAliveSeconds <= 0xffff)) bad("keepAliveSeconds must be 0..65535");
	if (!(o.maxPayload >= 0 && o.maxPayload <= 0x1000000)) bad("maxPayload must be 0..16 MiB");
	if (!(o.maxInflight >= 1 && o.maxInflight <= 1024)) bad("maxInflight must be 1..1024");
	if (o.maxQueued !== undefined && !(o.maxQueued >= o.maxInflight && o.maxQueued <= 65535)) bad("maxQueued must be maxInflight..65535");
	if (o.stableMs !== undefined && !(o.stableMs >= 0)) bad("stableMs must be >= 0");
	if (!(o.reconnect.minMs > 0 && o.reconnect.maxMs >= o.reconnect.minMs)) bad("reconnect needs 0 < minMs <= maxMs");
}
