/*
 * writer — what the report walk emits into, and the byte sink the writers share. A sink writes into
 * its own reusable buffer in one pass; writes past the end are dropped by the typed array while
 * `pos` keeps counting, so an overflowing pass still yields the exact size and is redone once into
 * a buffer of that size (see encode.ts).
 */
import { utf8Write } from "../bytes/utf8";

/** Tokens of a report in document order. Containers are sized up front (CBOR needs it). */
export interface Writer {
	map(size: number): void;
	array(size: number): void;
	/** Closes the innermost map or array. */
	end(): void;
	/** A map key: ASCII from the key table or a validated custom metric name. */
	key(name: string): void;
	text(value: string): void;
	number(value: number): void;
}

const INITIAL_CAPACITY = 256;

export class ByteSink {
	bytes = new Uint8Array(INITIAL_CAPACITY);
	pos = 0;

	/** Starts a pass at offset 0; writers reset their own state too. */
	begin(): void {
		this.pos = 0;
	}

	byte(b: number): void {
		this.bytes[this.pos++] = b;
	}

	/** Writes a string known to be ASCII. */
	ascii(s: string): void {
		const out = this.bytes;
		let p = this.pos;
		for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
		this.pos = p;
	}

	utf8(s: string): void {
		this.pos = utf8Write(s, this.bytes, this.pos);
	}
}
