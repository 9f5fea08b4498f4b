/*
 * writer — what the report walk emits into, and the byte sink both writers share. A writer first
 * runs with no buffer (it only counts bytes), then again into a buffer of exactly that size.
 */
import { utf8Length, utf8Write } from "../bytes/utf8";

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

/** Byte output that only counts while `bytes` is undefined. */
export class ByteSink {
	bytes: Uint8Array | undefined = undefined;
	pos = 0;

	/** Starts a pass: counting only (no buffer) or writing at `offset` of `bytes`. */
	begin(bytes?: Uint8Array, offset = 0): void {
		this.bytes = bytes;
		this.pos = offset;
	}

	byte(b: number): void {
		if (this.bytes !== undefined) this.bytes[this.pos] = b;
		this.pos++;
	}

	/** Writes a string known to be ASCII. */
	ascii(s: string): void {
		const bytes = this.bytes;
		if (bytes !== undefined) for (let i = 0; i < s.length; i++) bytes[this.pos + i] = s.charCodeAt(i);
		this.pos += s.length;
	}

	utf8(s: string): void {
		if (this.bytes !== undefined) this.pos = utf8Write(s, this.bytes, this.pos);
		else this.pos += utf8Length(s);
	}
}
