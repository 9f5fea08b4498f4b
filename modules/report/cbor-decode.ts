/*
 * cbor-decode — a small strict CBOR decoder for the broker's replies: definite-length items only,
 * text keys or any key, integers up to 2^53, floats 16/32/64, true/false/null/undefined, tags
 * skipped. Anything else (indefinite lengths, truncation, trailing bytes, bad UTF-8) is BadReply.
 */
import { utf8Decode } from "../bytes/utf8";
import { ReportError } from "./errors";

export type CborValue = number | string | boolean | null | undefined | Uint8Array | CborValue[] | { [key: string]: CborValue };

const MAX_DEPTH = 32;

/** Decodes exactly one CBOR item filling all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
	const reader = new Reader(bytes);
	const value = reader.item(0);
	if (reader.pos !== bytes.length) fail(`${bytes.length - reader.pos} trailing bytes`);
	return value;
}

function fail(why: string): never {
	throw new ReportError("BadReply", `malformed CBOR: ${why}`);
}

class Reader {
	pos = 0;
	#bytes: Uint8Array;
	#view: DataView;

	constructor(bytes: Uint8Array) {
		this.#bytes = bytes;
		this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}

	item(depth: number): CborValue {
		if (depth > MAX_DEPTH) fail("nested too deep");
		const initial = this.#take(1);
		const major = this.#bytes[initial] >> 5;
		const info = this.#bytes[initial] & 0x1f;
		if (major === 7) return this.#simple(info);
		const n = this.#argument(info);
		switch (major) {
			case 0:
				return n;
			case 1:
				return -1 - n;
			case 2:
				return this.#bytes.slice(this.#take(n), this.pos);
			case 3:
				return this.#text(n);
			case 4:
				return this.#array(n, depth);
			case 5:
				return this.#map(n, depth);
			default:
				return this.item(depth + 1);
		}
	}

	#take(count: number): number {
		const at = this.pos;
		if (at + count > this.#bytes.length) fail("truncated");
		this.pos = at + count;
		return at;
	}

	#argument(info: number): number {
		if (info < 24) return info;
		if (info === 24) return this.#bytes[this.#take(1)];
		if (info === 25) return this.#view.getUint16(this.#take(2));
		if (info === 26) return this.#view.getUint32(this.#take(4));
		if (info === 27) {
			const at = this.#take(8);
			const n = this.#view.getUint32(at) * 0x100000000 + this.#view.getUint32(at + 4);
			if (n > Number.MAX_SAFE_INTEGER) fail("integer above 2^53");
			return n;
		}
		return fail(info === 31 ? "indefinite length" : `reserved additional info ${info}`);
	}

	#simple(info: number): CborValue {
		if (info === 20) return false;
		if (info === 21) return true;
		if (info === 22) return null;
		if (info === 23) return undefined;
		if (info === 25) return half(this.#view.getUint16(this.#take(2)));
		if (info === 26) return this.#view.getFloat32(this.#take(4));
		if (info === 27) return this.#view.getFloat64(this.#take(8));
		return fail(`unsupported simple value ${info}`);
	}

	#text(length: number): string {
		const at = this.#take(length);
		const s = utf8Decode(this.#bytes, at, at + length);
		return s === undefined ? fail("bad UTF-8 in text string") : s;
	}

	#array(length: number, depth: number): CborValue[] {
		const out: CborValue[] = [];
		for (let i = 0; i < length; i++) out.push(this.item(depth + 1));
		return out;
	}

	#map(length: number, depth: number): { [key: string]: CborValue } {
		const out: { [key: string]: CborValue } = {};
		for (let i = 0; i < length; i++) {
			const key = this.item(depth + 1);
			if (typeof key !== "string") fail("map key is not a text string");
			if (Object.prototype.hasOwnProperty.call(out, key)) fail(`duplicate map key ${key}`);
			Object.defineProperty(out, key, { value: this.item(depth + 1), enumerable: true, writable: true, configurable: true });
		}
		return out;
	}
}

function half(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1;
	const exp = (bits >> 10) & 0x1f;
	const mant = bits & 0x3ff;
	if (exp === 0) return sign * mant * 2 ** -24;
	if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
	return sign * (1024 + mant) * 2 ** (exp - 25);
}
