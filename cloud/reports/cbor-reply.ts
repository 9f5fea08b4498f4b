/*
 * cbor-reply — the CBOR encoding of accepted/rejected replies in RFC 8949 §4.2.1 preferred
 * serialization: every head (map size, text length, integer) in its shortest form, definite lengths,
 * integers (reportId, timestamp) as major type 0/1 — never floats. A reply holds only text-keyed
 * maps, text strings and safe integers; anything else is a programming error and throws.
 */

type ReplyValue = string | number | { [key: string]: ReplyValue | undefined };

const MAJOR_UINT = 0;
const MAJOR_NINT = 1;
const MAJOR_TEXT = 3;
const MAJOR_MAP = 5;

export function encodeCborReply(body: object): Buffer {
	const out: number[] = [];
	writeValue(out, body as ReplyValue);
	return Buffer.from(out);
}

function writeValue(out: number[], v: ReplyValue): void {
	if (typeof v === "string") writeText(out, v);
	else if (typeof v === "number") writeInteger(out, v);
	else if (typeof v === "object" && v !== null && !Array.isArray(v)) writeMap(out, v);
	else throw new TypeError(`a reply holds no ${typeof v}`);
}

function writeMap(out: number[], map: { [key: string]: ReplyValue | undefined }): void {
	const entries = Object.entries(map).filter((e): e is [string, ReplyValue] => e[1] !== undefined);
	writeHead(out, MAJOR_MAP, entries.length);
	for (const [k, v] of entries) {
		writeText(out, k);
		writeValue(out, v);
	}
}

function writeText(out: number[], s: string): void {
	const bytes = Buffer.from(s, "utf8");
	writeHead(out, MAJOR_TEXT, bytes.length);
	for (const b of bytes) out.push(b);
}

function writeInteger(out: number[], n: number): void {
	if (!Number.isSafeInteger(n)) throw new RangeError(`a reply number must be a safe integer, got ${n}`);
	if (n >= 0) writeHead(out, MAJOR_UINT, n);
	else writeHead(out, MAJOR_NINT, -1 - n);
}

/** A head with the shortest argument encoding for `n` (0 ≤ n ≤ 2^53-1). */
function writeHead(out: number[], major: number, n: number): void {
	const m = major << 5;
	if (n < 24) out.push(m | n);
	else if (n < 0x100) out.push(m | 24, n);
	else if (n < 0x10000) out.push(m | 25, n >> 8, n & 0xff);
	else if (n < 0x100000000) out.push(m | 26, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
	else {
		const hi = Math.floor(n / 0x100000000);
		const lo = n >>> 0;
		out.push(m | 27, (hi >>> 24) & 0xff, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, (lo >>> 24) & 0xff, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
	}
}
