/*
 * outbox — the bounded QoS 1 store: messages waiting to be sent, in flight (sent, awaiting PUBACK)
 * and the packet identifiers they hold. Order is kept: retransmissions go first, in send order.
 * Payloads are copied in, so the caller may reuse its buffer after publish() returns.
 */

export interface OutMessage {
	id: number;
	topic: string;
	payload: Uint8Array;
	/** On the wire now, awaiting PUBACK. */
	sent: boolean;
	/** Sent on an earlier connection: resend with DUP. */
	dup: boolean;
}

export class Outbox {
	readonly #queue: OutMessage[] = [];
	readonly #capacity: number;
	readonly #window: number;
	#inflight = 0;

	/** capacity: messages held in all; window: messages in flight at once. */
	constructor(capacity: number, window: number) {
		this.#capacity = capacity;
		this.#window = window;
	}

	get length(): number {
		return this.#queue.length;
	}

	get full(): boolean {
		return this.#queue.length >= this.#capacity;
	}

	/** True when `id` is held by a queued or in-flight message. */
	holds(id: number): boolean {
		return this.#queue.some((m) => m.id === id);
	}

	add(id: number, topic: string, payload: Uint8Array): OutMessage {
		const m = { id, topic, payload: payload.slice(), sent: false, dup: false };
		this.#queue.push(m);
		return m;
	}

	/** The next message to put on the wire, if the window has room. */
	next(): OutMessage | undefined {
		if (this.#inflight >= this.#window) return undefined;
		return this.#queue.find((m) => !m.sent);
	}

	markSent(m: OutMessage): void {
		m.sent = true;
		this.#inflight++;
	}

	/** Removes the in-flight message a PUBACK acknowledges; undefined for an unknown id. */
	ack(id: number): OutMessage | undefined {
		const i = this.#queue.findIndex((m) => m.sent && m.id === id);
		if (i < 0) return undefined;
		this.#inflight--;
		return this.#queue.splice(i, 1)[0];
	}

	/** Connection lost: everything in flight is resent (with DUP) on the next connection. */
	requeue(): void {
		for (const m of this.#queue) {
			if (m.sent) m.dup = true;
			m.sent = false;
		}
		this.#inflight = 0;
	}
}
