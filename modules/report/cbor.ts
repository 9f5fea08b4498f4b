/*
 * cbor — the CBOR writer (RFC 8949 §4.2.1 preferred serialization): shortest heads, definite
 * lengths, text-string keys. Safe integers (including epoch-ms report ids) are major type 0/1;
 * other numbers take the shortest float (16, 32 or 64 bits) that holds them exactly. The encoders
 * use cbor-small.ts (same bytes, fewer XS slots); this Writer for the one walk is the reference it is
 * checked against byte for byte (test/unit/report-cbor-small.test.ts) and the bench's "before" row.
 */
import { utf8Length } from "../bytes/utf8";
import { ByteSink } from "./writer";
import type { Writer } from "./writer";

const UINT = 0x00;
const NINT = 0x20;
const TEXT = 0x60;
const ARRAY = 0x80;
const MAP = 0xa0;
const TWO_32 = 0x100000000;

/** Made on first use, not at load: a preloaded buffer is read-only. */
let scratch: DataView | undefined;

export class CborWriter extends ByteSink implements Writer {
	map(size: number): void {
		if (size < 24) this.bytes[this.pos++] = MAP | size;
		else this.#head(MAP, size);
	}

	array(size: number): void {
		if (size < 24) this.bytes[this.pos++] = ARRAY | size;
		else this.#head(ARRAY, size);
	}

	end(): void {}

	key(name: string): void {
		const n = name.length;
		if (n < 24) this.bytes[this.pos++] = TEXT | n;
		else this.#head(TEXT, n);
		const out = this.bytes;
		let p = this.pos;
		for (let i = 0; i < n; i++) out[p++] = name.charCodeAt(i);
		this.pos = p;
	}

	/** Writes optimistically as ASCII; on the first non-ASCII character, rewrites it as UTF-8. */
	text(value: string): void {
		const start = this.pos;
		const n = value.length;
		if (n < 24) this.bytes[this.pos++] = TEXT | n;
		else this.#head(TEXT, n);
		const out = this.bytes;
		let p = this.pos;
		for (let i = 0; i < n; i++) {
			const c = value.charCodeAt(i);
			if (c > 0x7f) {
				this.pos = start;
				this.#head(TEXT, utf8Length(value));
				this.utf8(value);
				return;
			}
			out[p++] = c;
		}
		this.pos = p;
	}

	number(value: number): void {
		if (value >= 0 && value < 24 && (value | 0) === value) this.bytes[this.pos++] = value;
		else if (!Number.isSafeInteger(value)) this.#float(value);
		else if (value >= 0) this.#head(UINT, value);
		else this.#head(NINT, -1 - value);
	}

	/** Writes major type `major` (already shifted) with argument `n`, big-endian, shortest form. */
	#head(major: number, n: number): void {
		const out = this.bytes;
		const p = this.pos;
		if (n < 24) {
			out[p] = major | n;
			this.pos = p + 1;
			return;
		}
		const size = n < 0x100 ? 2 : n < 0x10000 ? 3 : n < TWO_32 ? 5 : 9;
		out[p] = major | (size === 2 ? 24 : size === 3 ? 25 : size === 5 ? 26 : 27);
		let low = n >>> 0;
		for (let i = p + size - 1; i > p + (size === 9 ? 4 : 0); i--, low >>>= 8) out[i] = low & 0xff;
		if (size === 9) for (let i = p + 4, high = Math.floor(n / TWO_32); i > p; i--, high >>>= 8) out[i] = high & 0xff;
		this.pos = p + size;
	}

	#float(value: number): void {
		scratch ??= new DataView(new ArrayBuffer(8));
		scratch.setFloat32(0, value);
		let size = 9;
		if (scratch.getFloat32(0) === value) {
			const half = halfBits(scratch.getUint32(0));
			if (half >= 0) scratch.setUint16(0, half);
			size = half >= 0 ? 3 : 5;
		} else scratch.setFloat64(0, value);
		const out = this.bytes;
		out[this.pos] = size === 3 ? 0xf9 : size === 5 ? 0xfa : 0xfb;
		for (let i = 1; i < size; i++) out[this.pos + i] = scratch.getUint8(i - 1);
		this.pos += size;
	}
}

/** The float16 bits holding exactly the float32 with these bits, or -1 if none does. */
export function halfBits(bits: number): number {
	const sign = (bits >>> 16) & 0x8000;
	const exp = ((bits >>> 23) & 0xff) - 127;
	const mant = bits & 0x7fffff;
	if (exp === -127) return mant === 0 ? sign : -1;
	if (exp >= -14 && exp <= 15) return (mant & 0x1fff) === 0 ? sign | ((exp + 15) << 10) | (mant >>> 13) : -1;
	if (exp < -24 || exp > 15) return -1;
	const full = mant | 0x800000;
	const shift = -(exp + 1);
	return (full & ((1 << shift) - 1)) === 0 ? sign | (full >>> shift) : -1;
}
