/*
 * txbuffer — the client's one transmit buffer. Packets are encoded at `end` (see encode.ts) and
 * committed; flush() offers [start, end) to the transport and keeps what it did not accept.
 */
import * as S from "./status";

export class TxBuffer {
	readonly buf: Uint8Array;
	#start = 0;
	#end = 0;

	constructor(capacity: number) {
		this.buf = new Uint8Array(capacity);
	}

	/** Bytes encoded but not yet accepted by the transport. */
	get pending(): number {
		return this.#end - this.#start;
	}

	/** Offset to encode the next packet at (moves unsent bytes to the front first). */
	get end(): number {
		if (this.#start > 0) {
			this.buf.copyWithin(0, this.#start, this.#end);
			this.#end -= this.#start;
			this.#start = 0;
		}
		return this.#end;
	}

	/**
	 * Takes an encode result (new end offset or -status). Returns SUCCESS, TX_BUSY when the packet
	 * does not fit now, or the encoder's error.
	 */
	commit(result: number): S.Status {
		if (result >= 0) {
			this.#end = result;
			return S.SUCCESS;
		}
		return result === -S.BUFFER_TOO_SMALL ? S.TX_BUSY : -result;
	}

	clear(): void {
		this.#start = 0;
		this.#end = 0;
	}

	/** Offers pending bytes to `write`; returns bytes accepted, or -1 when the transport is dead. */
	flush(write: (bytes: Uint8Array) => number): number {
		if (this.#end === this.#start) return 0;
		let n: number;
		try {
			n = write(this.buf.subarray(this.#start, this.#end));
		} catch {
			return -1;
		}
		if (!(n >= 0)) return -1;
		this.#start += Math.min(n, this.#end - this.#start);
		if (this.#start === this.#end) this.clear();
		return n;
	}
}
