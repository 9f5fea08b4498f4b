/*
 * link — one MQTT connection at a time for MqttClient: opens the transport, sends CONNECT, parses
 * what arrives, acknowledges, fills the transmit buffer (PUBACKs, then SUBSCRIBEs, then QoS 1
 * PUBLISHes inside the window) and runs keep-alive. The parser and transmit buffer are made once
 * and reused by every connection. Every handler is tagged with its connection's generation, so a
 * late event from an old transport is ignored.
 */
import type { Clock, TimerHandle } from "../platform/platform";
import type { OpenTransport, Transport } from "./transport";
import type { Packet } from "./packets";
import * as S from "./status";
import * as P from "./packets";
import { encodeConnect, encodeEmpty, encodePuback, encodePublish, encodeSubscribe, encodeUnsubscribe } from "./encode";
import { MqttParser } from "./parser";
import { TxBuffer } from "./txbuffer";
import { Outbox } from "./outbox";
import { Subscriptions } from "./subscriptions";
import { DEAD, PING, keepAliveAction, keepAliveDelay } from "./timing";
import { utf8Length } from "../bytes/utf8";

/** PUBACKs waiting for transmit room before the link is declared stuck. */
const MAX_ACKS = 64;

export interface LinkOptions {
	clientId: string;
	keepAliveSeconds: number;
	clock: Clock;
	openTransport: OpenTransport;
	maxPayload: number;
	cleanSession?: boolean;
	username?: string;
	password?: Uint8Array;
}

/** What a link counts, shared with the client's stats. */
export interface LinkStats {
	/** PUBLISH packets received / written (retransmissions included in messagesOut). */
	messagesIn: number;
	messagesOut: number;
	/** MQTT bytes received / accepted by the transport (TLS overhead not included). */
	bytesIn: number;
	bytesOut: number;
	/** QoS 1 messages acknowledged by PUBACK. */
	acked: number;
	retransmits: number;
}

export interface LinkHooks {
	allocateId(): number;
	connected(sessionPresent: boolean): void;
	lost(status: S.Status, detail?: string): void;
	message(topic: string, payload: Uint8Array, qos: number): void;
	published(packetId: number): void;
	subscribed(filter: string, status: S.Status, qos: number): void;
}

export class Link {
	readonly #o: LinkOptions;
	readonly #stats: LinkStats;
	readonly #outbox: Outbox;
	readonly #subs: Subscriptions;
	readonly #hooks: LinkHooks;
	readonly #parser: MqttParser;
	readonly #tx: TxBuffer;
	readonly #acks: number[] = [];
	#transport: Transport | null = null;
	#gen = 0;
	#up = false;
	#lastRead = 0;
	#lastWrite = 0;
	#pingOut = false;
	#timer: TimerHandle | undefined;

	constructor(o: LinkOptions, stats: LinkStats, outbox: Outbox, subs: Subscriptions, hooks: LinkHooks) {
		this.#o = o;
		this.#stats = stats;
		this.#outbox = outbox;
		this.#subs = subs;
		this.#hooks = hooks;
		const publishMax = o.maxPayload + P.MAX_TOPIC_BYTES + 9;
		const connectMax = 24 + utf8Length(o.clientId) + (o.username ? utf8Length(o.username) : 0) + (o.password?.length ?? 0);
		this.#parser = new MqttParser(o.maxPayload + P.MAX_TOPIC_BYTES + 4);
		this.#tx = new TxBuffer(Math.max(publishMax, connectMax));
	}

	/** Starts a connection attempt. hooks.lost is called if it fails (even synchronously). */
	open(): void {
		const g = ++this.#gen;
		this.#parser.reset();
		this.#tx.clear();
		this.#acks.length = 0;
		this.#up = false;
		this.#pingOut = false;
		const live = () => g === this.#gen;
		try {
			this.#transport = this.#o.openTransport({
				onOpen: () => {
					try {
						if (live()) this.#onOpen();
					} catch (e) {
						this.#crash(e);
					}
				},
				onData: (bytes) => {
					try {
						if (live()) this.#onData(bytes);
					} catch (e) {
						this.#crash(e);
					}
				},
				onWritable: () => {
					try {
						if (live()) this.pump();
					} catch (e) {
						this.#crash(e);
					}
				},
				onClose: () => {
					try {
						if (live()) this.#fail(S.TRANSPORT_CLOSED);
					} catch (e) {
						this.#crash(e);
					}
				},
				onError: (reason) => {
					try {
						if (live()) this.#fail(S.TRANSPORT_ERROR, reason);
					} catch (e) {
						this.#crash(e);
					}
				},
			});
		} catch (e) {
			this.#fail(S.TRANSPORT_ERROR, String(e));
		}
	}

	/** Closes the current connection (graceful: DISCONNECT first when connected). No hook is called. */
	close(graceful: boolean): void {
		this.#gen++;
		this.#clearTimer();
		const t = this.#transport;
		this.#transport = null;
		if (!t) return;
		if (graceful && this.#up && this.#tx.commit(encodeEmpty(this.#tx.buf, this.#tx.end, P.DISCONNECT)) === S.SUCCESS) this.#tx.flush((b) => t.write(b));
		this.#up = false;
		try {
			t.close();
		} catch {
			// already dead: nothing more to release
		}
	}

	/** Fills the transmit buffer with what is due and offers it to the transport. */
	pump(): void {
		if (!this.#transport) return;
		if (this.#up) this.#fill();
		this.#flush();
	}

	publish0(topic: string, payload: Uint8Array, retain: boolean): S.Status {
		const st = this.#put(() => encodePublish(this.#tx.buf, this.#tx.end, topic, payload, 0, 0, false, retain));
		if (st === S.SUCCESS) {
			this.#stats.messagesOut++;
			this.#flush();
		}
		return st;
	}

	unsubscribe(packetId: number, filter: string): S.Status {
		const st = this.#put(() => encodeUnsubscribe(this.#tx.buf, this.#tx.end, packetId, filter));
		if (st === S.SUCCESS) this.#flush();
		return st;
	}

	#fail(status: S.Status, detail?: string): void {
		this.close(false);
		this.#hooks.lost(status, detail);
	}

	/**
	 * A transport or timer callback threw (a broken transport, clock or log): the link is dropped
	 * rather than letting the exception reach the event loop; if even that throws, the link stays
	 * closed until the client is started again.
	 */
	#crash(e: unknown): void {
		try {
			this.#fail(S.TRANSPORT_ERROR, String(e));
		} catch {
			this.close(false);
		}
	}

	#onOpen(): void {
		const o = this.#o;
		this.#lastRead = this.#lastWrite = o.clock.ticks();
		const c = { clientId: o.clientId, keepAliveSeconds: o.keepAliveSeconds, cleanSession: o.cleanSession ?? true, username: o.username, password: o.password };
		this.#tx.commit(encodeConnect(this.#tx.buf, this.#tx.end, c));
		this.#flush();
	}

	#onData(bytes: Uint8Array): void {
		const g = this.#gen;
		this.#stats.bytesIn += bytes.length;
		this.#lastRead = this.#o.clock.ticks();
		const parser = this.#parser;
		parser.feed(bytes);
		for (let p = parser.next(); p; p = parser.next()) {
			this.#dispatch(p);
			if (g !== this.#gen) return;
		}
		if (parser.status !== S.SUCCESS) this.#fail(parser.status);
		else this.pump();
	}

	#dispatch(p: Packet): void {
		if (!this.#up) return p.type === P.CONNACK ? this.#onConnack(p) : this.#fail(S.UNEXPECTED_PACKET, "before CONNACK");
		switch (p.type) {
			case P.PUBLISH:
				return this.#onPublish(p);
			case P.PUBACK:
				return this.#onPuback(p.packetId);
			case P.SUBACK:
				return this.#onSuback(p);
			case P.PINGRESP:
				this.#pingOut = false;
				return this.#armKeepAlive();
			case P.UNSUBACK:
				return;
			case P.CONNACK:
				return this.#fail(S.UNEXPECTED_PACKET, "second CONNACK");
			default:
				return this.#fail(S.QOS2_UNSUPPORTED);
		}
	}

	#onConnack(p: Packet): void {
		if (p.returnCode !== 0) return this.#fail(S.connackStatus(p.returnCode));
		this.#up = true;
		this.#armKeepAlive();
		this.#hooks.connected(p.sessionPresent);
	}

	#onPublish(p: Packet): void {
		if (p.qos === 2) return this.#fail(S.QOS2_UNSUPPORTED);
		if (p.payload.length > this.#o.maxPayload) return this.#fail(S.PAYLOAD_TOO_LARGE);
		this.#stats.messagesIn++;
		this.#hooks.message(p.topic, p.payload, p.qos);
		if (p.qos === 0) return;
		if (this.#acks.length >= MAX_ACKS) return this.#fail(S.TX_BUSY, "acknowledgements backed up");
		this.#acks.push(p.packetId);
	}

	#onPuback(id: number): void {
		if (!this.#outbox.ack(id)) return;
		this.#stats.acked++;
		this.#hooks.published(id);
	}

	#onSuback(p: Packet): void {
		const s = this.#subs.ack(p.packetId);
		if (!s) return;
		const g = p.granted[0];
		this.#hooks.subscribed(s.filter, g === P.SUBACK_FAILURE ? S.SUBSCRIBE_REFUSED : S.SUCCESS, g);
	}

	#fill(): void {
		const tx = this.#tx;
		while (this.#acks.length > 0) {
			if (this.#put(() => encodePuback(tx.buf, tx.end, this.#acks[0])) !== S.SUCCESS) return;
			this.#acks.shift();
		}
		for (let s = this.#subs.next(); s; s = this.#subs.next()) {
			const id = this.#hooks.allocateId();
			if (this.#put(() => encodeSubscribe(tx.buf, tx.end, id, s.filter, s.qos)) !== S.SUCCESS) return;
			s.sent = true;
			s.pendingId = id;
		}
		for (let m = this.#outbox.next(); m; m = this.#outbox.next()) {
			if (this.#put(() => encodePublish(tx.buf, tx.end, m.topic, m.payload, 1, m.id, m.dup, false)) !== S.SUCCESS) return;
			this.#outbox.markSent(m);
			this.#stats.messagesOut++;
			if (m.dup) this.#stats.retransmits++;
		}
	}

	/** Encodes into the transmit buffer; when full, flushes once and tries again. */
	#put(encode: () => number): S.Status {
		let st = this.#tx.commit(encode());
		if (st === S.TX_BUSY && this.#flush() && this.#tx.pending === 0) st = this.#tx.commit(encode());
		return st;
	}

	/** Offers pending bytes; false when the connection died doing so. */
	#flush(): boolean {
		const t = this.#transport;
		if (!t) return false;
		const n = this.#tx.flush((b) => t.write(b));
		if (n < 0) {
			this.#fail(S.TRANSPORT_ERROR, "write failed");
			return false;
		}
		if (n > 0) {
			this.#stats.bytesOut += n;
			this.#lastWrite = this.#o.clock.ticks();
		}
		return true;
	}

	#armKeepAlive(): void {
		const ka = this.#o.keepAliveSeconds * 1000;
		if (ka === 0) return;
		this.#clearTimer();
		const g = this.#gen;
		const delay = keepAliveDelay(this.#o.clock.ticks(), this.#lastWrite, this.#lastRead, this.#pingOut, ka);
		this.#timer = this.#o.clock.set(() => {
			try {
				if (g === this.#gen) this.#onKeepAlive(ka);
			} catch (e) {
				this.#crash(e);
			}
		}, delay);
	}

	#onKeepAlive(ka: number): void {
		this.#timer = undefined;
		const action = keepAliveAction(this.#o.clock.ticks(), this.#lastWrite, this.#lastRead, this.#pingOut, ka);
		if (action === DEAD) return this.#fail(S.KEEPALIVE_TIMEOUT);
		if (action === PING) {
			this.#pingOut = true;
			if (this.#put(() => encodeEmpty(this.#tx.buf, this.#tx.end, P.PINGREQ)) === S.SUCCESS && !this.#flush()) return;
		}
		this.#armKeepAlive();
	}

	#clearTimer(): void {
		if (this.#timer !== undefined) this.#o.clock.clear(this.#timer);
		this.#timer = undefined;
	}
}
