/*
 * counting — the wire-byte counting layer of the Node host, one more stream layer under TLS (as
 * Moddable's TLS socket takes its TCP socket as a layer). A CountingStream wraps the raw
 * net.Socket; TLS is then run over the CountingStream, so every byte counted is a TCP payload byte
 * on the wire (TLS records, handshake and alerts included; TCP/IP headers not).
 *
 * Packets are an estimate, as a socket cannot see segments: each chunk read or written counts
 * ceil(bytes / 1460) packets (1460 = the Ethernet TCP MSS), at least 1. A 'data' event is usually one
 * segment; a large write is split by the kernel into MSS-sized segments.
 */
import { Duplex } from "node:stream";
import type { Socket } from "node:net";

export const MSS = 1460;

/** Where counted traffic goes (the host NetDriver). */
export interface CountSink {
	countIn(bytes: number, packets: number): void;
	countOut(bytes: number, packets: number): void;
}

/** Packets a chunk of `bytes` is counted as. */
export function packetsFor(bytes: number): number {
	return Math.max(1, Math.ceil(bytes / MSS));
}

/** A Duplex over a raw socket that reports every chunk to `sink` before passing it on. */
export class CountingStream extends Duplex {
	readonly #raw: Socket;
	readonly #count: CountSink;

	constructor(raw: Socket, sink: CountSink) {
		super();
		this.#raw = raw;
		this.#count = sink;
		raw.on("data", (chunk: Buffer) => {
			sink.countIn(chunk.length, packetsFor(chunk.length));
			if (!this.push(chunk)) raw.pause();
		});
		raw.on("end", () => this.push(null));
		raw.on("error", (e) => this.destroy(e));
		raw.on("close", () => this.destroy());
	}

	override _read(): void {
		this.#raw.resume();
	}

	override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void): void {
		this.#count.countOut(chunk.length, packetsFor(chunk.length));
		this.#raw.write(chunk, done);
	}

	override _final(done: (e?: Error | null) => void): void {
		this.#raw.end();
		done();
	}

	override _destroy(e: Error | null, done: (e?: Error | null) => void): void {
		this.#raw.destroy();
		done(e);
	}
}
