/*
 * admission — bounds connections that have not authenticated yet (TCP accepted, TLS handshake or CONNECT not
 * done): at most maxPreAuthPerAddress per source address; more are closed at once. The TLS handshake timeout
 * itself is the TLS server's handshakeTimeout. A connection leaves the count when its CONNECT is accepted or
 * when it closes.
 */
import type { Socket } from "node:net";

export class Admission {
	readonly #count = new Map<string, number>();
	readonly #pending = new Map<string, () => void>();
	readonly #refused = new Map<string, number>();
	readonly #max: number;
	readonly #log: (s: string) => void;

	constructor(maxPreAuthPerAddress: number, log: (s: string) => void) {
		this.#max = maxPreAuthPerAddress;
		this.#log = log;
	}

	/** A new TCP connection: admitted (counted until authenticated or closed) or destroyed. */
	admit(raw: Socket): void {
		const address = addressOf(raw.remoteAddress);
		const n = this.#count.get(address) ?? 0;
		if (n >= this.#max) {
			const refused = (this.#refused.get(address) ?? 0) + 1;
			this.#refused.set(address, refused);
			if (refused === 1 || refused % 100 === 0) {
				this.#log(`broker: ${address}: ${n} connections not yet authenticated (limit ${this.#max}); connection closed (${refused} so far)`);
			}
			raw.destroy();
			return;
		}
		this.#count.set(address, n + 1);
		const key = keyOf(raw.remoteAddress, raw.remotePort);
		let released = false;
		const release = (): void => {
			if (released) return;
			released = true;
			this.#pending.delete(key);
			const left = (this.#count.get(address) ?? 1) - 1;
			if (left > 0) this.#count.set(address, left);
			else {
				this.#count.delete(address);
				this.#refused.delete(address);
			}
		};
		this.#pending.set(key, release);
		raw.once("close", release);
	}

	/** The connection from this address and port has authenticated. */
	authenticated(remoteAddress: string | undefined, remotePort: number | undefined): void {
		this.#pending.get(keyOf(remoteAddress, remotePort))?.();
	}

	/** Connections of `address` not yet authenticated (for tests and logs). */
	pendingOf(address: string): number {
		return this.#count.get(address) ?? 0;
	}
}

function addressOf(a: string | undefined): string {
	return (a ?? "").replace(/^::ffff:/, "");
}

function keyOf(a: string | undefined, port: number | undefined): string {
	return `${addressOf(a)}:${port ?? 0}`;
}

/** Logs the first occurrence of each kind of event, then every 100th, with the running count. */
export class CountingLog {
	readonly #counts = new Map<string, number>();
	constructor(private readonly log: (s: string) => void) {}

	event(kind: string, line: string): void {
		const n = (this.#counts.get(kind) ?? 0) + 1;
		this.#counts.set(kind, n);
		if (n === 1 || n % 100 === 0) this.log(`${line} (${n} so far)`);
	}
}
