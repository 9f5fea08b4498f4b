/*
 * cbor — the CBOR writer (RFC 8949 §4.2.1 preferred serialization): shortest heads, definite
 * lengths, text-string keys. Safe integers (including epoch-ms report ids) are major type 0/1;
 * other numbers take the shortest float (16, 32 or 64 bits) that holds them exactly. In the
 * counting pass every method only adds sizes; in the writing pass it stores bytes directly.
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

const scratch = new DataView(new ArrayBuffer(8));

export class CborWriter extends ByteSink implements Writer {
	map(size: number): void {
		this.#head(MAP, size);
	}

	array(size: number): void {
		this.#head(ARRAY, size);
	}

	end(): void {}

	key(name: string): void {
		const out = this.bytes;
		const n = name.length;
		if (out === undefined) {
			this.pos += (n < 24 ? 1 : 2) + n;
			return;
		}
		this.#head(TEXT, n);
		let p = this.pos;
		for (let i = 0; i < n; i++) out[p++] = name.charCodeAt(i);
		this.pos = p;
	}

	text(value: string): void {
		const n = utf8Length(value);
		this.#head(TEXT, n);
		if (this.bytes === undefined) this.pos += n;
		else this.utf8(value);
	}

	number(value: number): void {
		if (!Number.isSafeInteger(value)) this.#float(value);
		else if (value >= 0) this.#head(UINT, value);
		else this.#head(NINT, -1 - value);
	}

	/** Writes major type `major` (already shifted) with argument `n`, big-endian, shortest form. */
	#head(major: number, n: number): void {
		const out = this.bytes;
		const size = n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < TWO_32 ? 5 : 9;
		const p = this.pos;
		this.pos = p + size;
		if (out === undefined) return;
		if (size === 1) {
			out[p] = major | n;
			return;
		}
		out[p] = major | (size === 2 ? 24 : size === 3 ? 25 : size === 5 ? 26 : 27);
		let low = n >>> 0;
		for (let i = p + size - 1; i > p + (size === 9 ? 4 : 0); i--, low >>>= 8) out[i] = low & 0xff;
		if (size === 9) for (let i = p + 4, high = Math.floor(n / TWO_32); i > p; i--, high >>>= 8) out[i] = high & 0xff;
	}

	#float(value: number): void {
		scratch.setFloat32(0, value);
		let size = 9;
		if (scratch.getFloat32(0) === value) {
			const half = halfBits(scratch.getUint32(0));
			if (half >= 0) scratch.setUint16(0, half);
			size = half >= 0 ? 3 : 5;
		} else scratch.setFloat64(0, value);
		const out = this.bytes;
		if (out !== undefined) {
			out[this.pos] = size === 3 ? 0xf9 : size === 5 ? 0xfa : 0xfb;
			for (let i = 1; i < size; i++) out[this.pos + i] = scratch.getUint8(i - 1);
		}
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
