/*
 * subscriptions — the topic filters the client keeps subscribed across reconnects, and the
 * SUBSCRIBE packets awaiting their SUBACK.
 */

export interface Subscription {
	filter: string;
	qos: number;
	/** Packet id of the SUBSCRIBE awaiting SUBACK on this connection; 0 when none. */
	pendingId: number;
	/** SUBSCRIBE written on this connection (acknowledged or not). */
	sent: boolean;
}

export class Subscriptions {
	readonly #list: Subscription[] = [];

	/**
	 * Adds or updates a filter; it is (re)sent on the next pump. Adding a filter that is already
	 * waiting to be sent with the same QoS changes nothing, so an application that subscribes again on
	 * every reconnect does not double the restored SUBSCRIBE.
	 */
	add(filter: string, qos: number): void {
		const s = this.#list.find((x) => x.filter === filter);
		if (s && s.qos === qos && !s.sent) return;
		if (s) {
			s.qos = qos;
			s.sent = false;
		} else this.#list.push({ filter, qos, pendingId: 0, sent: false });
	}

	/** Removes a filter; true if it was there. */
	remove(filter: string): boolean {
		const i = this.#list.findIndex((x) => x.filter === filter);
		if (i >= 0) this.#list.splice(i, 1);
		return i >= 0;
	}

	holds(id: number): boolean {
		return this.#list.some((s) => s.pendingId === id);
	}

	/** The next filter to (re)send on this connection. */
	next(): Subscription | undefined {
		return this.#list.find((s) => !s.sent);
	}

	/** The subscription a SUBACK answers (cleared), or undefined. */
	ack(id: number): Subscription | undefined {
		const s = this.#list.find((x) => x.pendingId === id);
		if (s) s.pendingId = 0;
		return s;
	}

	/** New connection: every filter is sent again. */
	requeue(): void {
		for (const s of this.#list) {
			s.sent = false;
			s.pendingId = 0;
		}
	}
}
