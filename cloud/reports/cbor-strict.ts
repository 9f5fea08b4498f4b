/*
 * cbor-strict — RFC 8949 CBOR for reports: exactly one data item that maps onto a JSON document
 * ("same logical document in both encodings", spec §1.1). Accepted: unsigned/negative integers within
 * ±(2^53-1), finite half/single/double floats, definite-length text strings (strict UTF-8), arrays and
 * maps (definite or indefinite: STM32's agent sends an indefinite outer map), false/true/null,
 * and the self-described CBOR tag 55799 in front of the document. Refused, with a reason: bad UTF-8,
 * a map key that is not a text string, a key repeated in one map, integers beyond 2^53-1, NaN/Infinity,
 * byte strings, indefinite-length strings, undefined and other simple values, any other tag, reserved encodings, a stray break,
 * truncation and trailing bytes. Floats are recorded per map entry (see parsed.ts).
 */
import { checkNumber, markFloat, MAX_DEPTH, newMap, ParseError, setOnce, type ParsedDoc, type Tree, type TreeMap } from "./parsed";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const BREAK = Symbol("break");
type Item = Tree | typeof BREAK;

export function parseCborStrict(payload: Uint8Array): ParsedDoc {
	const r = new CborReader(payload);
	if (payload[0] === 0xd9 && payload[1] === 0xd9 && payload[2] === 0xf7) r.pos = 3; // tag 55799
	const value = r.tree(0);
	if (r.pos !== payload.length) r.fail(`${payload.length - r.pos} trailing bytes`);
	return { value, floats: r.floats };
}

class CborReader {
	pos = 0;
	readonly floats = new WeakMap<object, Set<string>>();
	#view: DataView;
	#lastWasFloat = false;

	constructor(private readonly bytes: Uint8Array) {
		this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}

	fail(why: string): never {
		throw new ParseError(`${why} at byte ${this.pos}`);
	}

	tree(depth: number): Tree {
		const v = this.#item(depth);
		return v === BREAK ? this.fail("unexpected break") : v;
	}

	#take(count: number): number {
		const at = this.pos;
		if (count > this.bytes.length - at) this.fail("truncated");
		this.pos = at + count;
		return at;
	}

	#item(depth: number): Item {
		if (depth > MAX_DEPTH) this.fail("nested too deep");
		const initial = this.bytes[this.#take(1)];
		const major = initial >> 5;
		const info = initial & 0x1f;
		this.#lastWasFloat = false;
		if (major === 7) return this.#simple(info);
		if (info === 31) return this.#indefinite(major, depth);
		const n = this.#argument(info);
		switch (major) {
			case 0:
				return n;
			case 1:
				return n === Number.MAX_SAFE_INTEGER ? this.fail("integer beyond -(2^53-1) cannot be represented exactly") : -1 - n;
			case 3:
				return this.#text(n);
			case 4:
				return this.#array(n, depth);
			case 5:
				return this.#map(n, depth);
			case 2:
				return this.fail("byte strings have no JSON equivalent");
			default:
				return this.fail(`tag ${n} is not supported`);
		}
	}

	/** The argument of a head: integers beyond 2^53-1 are refused rather than rounded. */
	#argument(info: number): number {
		if (info < 24) return info;
		if (info === 24) return this.bytes[this.#take(1)];
		if (info === 25) return this.#view.getUint16(this.#take(2));
		if (info === 26) return this.#view.getUint32(this.#take(4));
		if (info === 27) {
			const at = this.#take(8);
			if (this.#view.getUint32(at) >= 0x200000) this.fail("integer beyond 2^53-1 cannot be represented exactly");
			return this.#view.getUint32(at) * 0x100000000 + this.#view.getUint32(at + 4);
		}
		return this.fail(`reserved additional information ${info}`);
	}

	#simple(info: number): Item {
		if (info === 20) return false;
		if (info === 21) return true;
		if (info === 22) return null;
		if (info === 31) return BREAK;
		let n: number;
		if (info === 25) n = half(this.#view.getUint16(this.#take(2)));
		else if (info === 26) n = this.#view.getFloat32(this.#take(4));
		else if (info === 27) n = this.#view.getFloat64(this.#take(8));
		else return this.fail(info === 23 ? "undefined has no JSON equivalent" : `simple value ${info} is not supported`);
		checkNumber(n);
		this.#lastWasFloat = true;
		return n;
	}

	#text(length: number): string {
		const at = this.#take(length);
		const ascii = length <= 64 ? asciiText(this.bytes, at, at + length) : undefined;
		if (ascii !== undefined) return ascii;
		try {
			return utf8.decode(this.bytes.subarray(at, at + length));
		} catch {
			return this.fail("invalid UTF-8 in text string");
		}
	}

	/** Indefinite-length arrays and maps; indefinite strings are refused (no agent writes them). */
	#indefinite(major: number, depth: number): Tree {
		if (major === 4) return this.#array(Infinity, depth);
		if (major === 5) return this.#map(Infinity, depth);
		return this.fail(`indefinite length for major type ${major}`);
	}

	#array(length: number, depth: number): Tree[] {
		const out: Tree[] = [];
		for (let i = 0; i < length; i++) {
			const v = this.#item(depth + 1);
			if (v === BREAK) {
				if (length !== Infinity) this.fail("unexpected break");
				break;
			}
			out.push(v);
		}
		this.#lastWasFloat = false;
		return out;
	}

	#map(length: number, depth: number): TreeMap {
		const map = newMap();
		for (let i = 0; i < length; i++) {
			const key = this.#item(depth + 1);
			if (key === BREAK && length === Infinity) break;
			if (typeof key !== "string") this.fail("map key is not a text string");
			setOnce(map, key, this.tree(depth + 1));
			if (this.#lastWasFloat) markFloat(this.floats, map, key);
		}
		this.#lastWasFloat = false;
		return map;
	}
}

/** bytes[start, end) as a string when all are ASCII (the common case, without TextDecoder's per-call cost). */
function asciiText(bytes: Uint8Array, start: number, end: number): string | undefined {
	let s = "";
	for (let i = start; i < end; i++) {
		const b = bytes[i];
		if (b >= 0x80) return undefined;
		s += String.fromCharCode(b);
	}
	return s;
}

/** IEEE 754 binary16 → number. */
function half(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1;
	const exp = (bits >> 10) & 0x1f;
	const mant = bits & 0x3ff;
	if (exp === 0) return sign * mant * 2 ** -24;
	if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
	return sign * (1024 + mant) * 2 ** (exp - 25);
}
