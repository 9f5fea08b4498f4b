/*
 * broker-relay — mutual TLS over a relay the test controls: the TLS client's ciphertext can be held and then
 * written to the TCP socket in one write. Lets a test decide where the broker's socket reads split the
 * stream (a read of exactly 64 KiB, libuv's buffer, is followed by another read in the same event-loop turn).
 */
import { connect as netConnect, type Socket } from "node:net";
import { Duplex } from "node:stream";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import type { RawCredential } from "./broker-raw";

class Relay extends Duplex {
	held: Buffer[] | undefined;
	constructor(readonly tcp: Socket) {
		super();
		tcp.on("data", (d: Buffer) => this.push(d));
		tcp.on("end", () => this.push(null));
		tcp.on("close", () => this.destroy());
		tcp.on("error", () => this.destroy());
	}
	override _read(): void {}
	override _write(c: Buffer, _e: BufferEncoding, cb: () => void): void {
		if (this.held) this.held.push(Buffer.from(c));
		else this.tcp.write(c);
		cb();
	}
	override _destroy(e: Error | null, cb: (e?: Error | null) => void): void {
		this.tcp.destroy();
		cb(e);
	}
}

export interface RelayedTls {
	tls: TLSSocket;
	/** from now on ciphertext is held */
	hold(): void;
	/** bytes of ciphertext held so far */
	heldBytes(): number;
	/** writes all held ciphertext in one TCP write and stops holding */
	flush(): void;
	closed: Promise<void>;
}

export function relayedTls(port: number, cred: RawCredential): Promise<RelayedTls> {
	const tcp = netConnect({ host: "127.0.0.1", port });
	tcp.setNoDelay(true);
	const relay = new Relay(tcp);
	const tls = tlsConnect({ socket: relay, ca: cred.ca, cert: cred.cert, key: cred.key, servername: "localhost" });
	tls.on("error", () => undefined);
	const closed = new Promise<void>((r) => tcp.once("close", () => r()));
	return new Promise((resolve, reject) => {
		tls.once("secureConnect", () =>
			resolve({
				tls,
				hold: () => (relay.held = []),
				heldBytes: () => (relay.held ?? []).reduce((n, b) => n + b.length, 0),
				flush: () => {
					const all = Buffer.concat(relay.held ?? []);
					relay.held = undefined;
					tcp.write(all);
				},
				closed,
			}),
		);
		tcp.once("close", () => reject(new Error("closed before the TLS handshake finished")));
	});
}
