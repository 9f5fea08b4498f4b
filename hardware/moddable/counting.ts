/*
 * counting — a TCP socket class that counts wire bytes, for the TLS socket to build on.
 *
 * The SDK's TLS socket (examples/io/tcp/tlssocket) constructs its transport with
 * `new options.TCP.io({...options, onReadable, onWritable, onError})`, then calls read(view),
 * write(record) and keeps `readable`/`writable` numbers on it. countingTcp() returns a class with
 * that surface over embedded:io/socket/tcp: every read and write is reported to the SocketMeter,
 * so the counts are ciphertext bytes as they cross the socket. It also reports when the
 * connection is established (first onWritable) and when it ends, and turns an exception thrown by
 * the layer above inside a socket callback (a failed handshake, a rejected certificate) into
 * onError, with the message handed to the optional `onFault` option.
 *
 * The SDK's TCP read(view) returns nothing when no data is buffered, and write() returns nothing
 * when the socket has already failed (nothing sent): both count as 0 bytes here.
 */
import TCP from "embedded:io/socket/tcp";
import type { TLSUnderlyingOptions, TLSUnderlyingSocket } from "embedded:io/socket/tcp/tls";
import type { SocketMeter } from "./meter";

export type CountingTcpClass = new (options: TLSUnderlyingOptions) => TLSUnderlyingSocket;

export function countingTcp(meter: SocketMeter): CountingTcpClass {
	return class CountingTCP implements TLSUnderlyingSocket {
		readable = 0;
		writable = 0;
		#tcp: TCP | undefined;
		#options: TLSUnderlyingOptions;
		#remote: string;
		#id = 0;

		constructor(options: TLSUnderlyingOptions) {
			this.#options = options;
			this.#remote = `${options.address}:${options.port}`;
			this.#tcp = new TCP({
				address: options.address,
				port: options.port,
				nodelay: true,
				onReadable: (count) => this.#guard(() => options.onReadable(count)),
				onWritable: (count) => this.#writableNow(count),
				onError: () => this.#fail(this.#id === 0 ? "cannot connect (refused or unreachable)" : "connection lost"),
			});
		}

		read(into: Uint8Array): number {
			const n = countOf(this.#tcp?.read(into));
			meter.received(n);
			return n;
		}

		write(data: Uint8Array): number {
			if (!this.#tcp) throw new Error("socket closed");
			const free: unknown = this.#tcp.write(data);
			if (typeof free !== "number") return 0;
			meter.sent(data.byteLength);
			return free;
		}

		close(): void {
			this.#end();
			const tcp = this.#tcp;
			this.#tcp = undefined;
			tcp?.close();
		}

		#writableNow(count: number): void {
			if (this.#id === 0 && this.#tcp) this.#id = meter.opened(this.#remote);
			this.#guard(() => this.#options.onWritable(count));
		}

		#guard(callback: () => void): void {
			try {
				callback();
			} catch (e) {
				this.#fail(e instanceof Error ? e.message : String(e));
			}
		}

		#fail(reason: string): void {
			if (!this.#tcp) return;
			this.close();
			this.#options.onFault?.(reason);
			this.#options.onError();
		}

		#end(): void {
			if (this.#id !== 0) meter.closed(this.#id);
			this.#id = 0;
		}
	};
}

/** A TCP read/write result as a byte count: the SDK returns undefined when nothing moved. */
function countOf(result: unknown): number {
	return typeof result === "number" ? result : 0;
}
