/*
 * guarded-connection — the stream aedes reads instead of the TLS socket: every byte from the client goes
 * through a PacketGate first, and the connection is closed when the gate refuses or when the CONNECT is not
 * accepted within connectTimeoutMs. Writes go straight to the TLS socket. The TLS socket stays reachable
 * (peer certificate, remote address) through `tls`.
 */
import { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { BrokerLimits } from "./limits";
import { PacketGate } from "./packet-gate";

export interface GuardEvents {
	/** the gate closed the connection; `reason` is for the log */
	refused(conn: GuardedConnection, reason: string): void;
	/** PUBLISH packets dropped by the rate limit (called on the first drop of a window, then every 100th) */
	throttled(conn: GuardedConnection, dropped: number): void;
}

export class GuardedConnection extends Duplex {
	readonly tls: TLSSocket;
	readonly #gate: PacketGate;
	#connectTimer: NodeJS.Timeout | undefined;

	constructor(tls: TLSSocket, limits: BrokerLimits, ticks: () => number, events: GuardEvents) {
		super({ allowHalfOpen: false });
		this.tls = tls;
		this.#gate = new PacketGate(limits, {
			refuse: (reason, reply) => {
				events.refused(this, reason);
				if (reply) this.#replyAndClose(reply);
				else this.destroy();
			},
			throttled: (n) => {
				if (n === 1 || n % 100 === 0) events.throttled(this, n);
			},
		}, ticks);
		this.#connectTimer = setTimeout(() => {
			events.refused(this, `no accepted CONNECT within ${limits.connectTimeoutMs} ms`);
			this.destroy();
		}, limits.connectTimeoutMs);
		tls.on("data", (chunk: Buffer) => this.#forward(this.#gate.feed(chunk)));
		tls.on("end", () => this.push(null));
		tls.on("close", () => this.destroy());
		tls.on("error", (e) => this.destroy(e));
	}

	/** The CONNECT was accepted: the packets sent after it go on. */
	accept(): void {
		this.#clearTimer();
		this.#forward(this.#gate.accept());
	}

	/** The CONNECT was refused: nothing sent after it reaches the broker. */
	refuseConnect(): void {
		this.#clearTimer();
		this.#gate.refuseConnect();
	}

	/** The gate's own answer (a CONNACK aedes cannot give): written and flushed, then the connection is closed. */
	#replyAndClose(reply: Buffer): void {
		this.#clearTimer();
		// a peer that never reads cannot hold the socket; _destroy clears this timer
		this.#connectTimer = setTimeout(() => this.destroy(), 5_000);
		this.tls.end(reply, () => this.destroy());
	}

	get remoteAddress(): string {
		return (this.tls.remoteAddress ?? "").replace(/^::ffff:/, "");
	}

	#clearTimer(): void {
		if (this.#connectTimer) clearTimeout(this.#connectTimer);
		this.#connectTimer = undefined;
	}

	#forward(chunks: Buffer[]): void {
		if (chunks.length === 0) return;
		if (!this.push(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))) this.tls.pause();
	}

	override _read(): void {
		this.tls.resume();
	}

	override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
		if (this.tls.destroyed) return cb(new Error("connection closed"));
		if (this.tls.write(chunk)) cb();
		else this.tls.once("drain", () => cb());
	}

	/** aedes corks around each packet it writes: one TLS write (one record) for the lot, as on the TLS socket itself */
	override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
		this._write(Buffer.concat(chunks.map((c) => c.chunk)), "binary", cb);
	}

	override _final(cb: (e?: Error | null) => void): void {
		this.tls.end();
		cb();
	}

	override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
		this.#clearTimer();
		this.#gate.close();
		this.tls.destroy();
		cb(err);
	}
}
