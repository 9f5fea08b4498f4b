/*
 * json-strict — RFC 8259 JSON for reports, stricter than JSON.parse where JSON.parse loses information:
 * - the bytes must be valid UTF-8 (TextDecoder fatal; a leading UTF-8 BOM is skipped, RFC 8259 §8.1);
 * - a key repeated in one object is refused (JSON.parse keeps the last one silently);
 * - an integer literal beyond ±(2^53-1) is refused before it is rounded to a double;
 * - numbers that overflow to ±Infinity and \u escapes leaving a lone surrogate are refused;
 * - entries written as floats (5.0, 5e0) are recorded, so the report id can insist on an integer.
 */
import { checkNumber, checkScalars, markFloat, MAX_DEPTH, newMap, ParseError, setOnce, type ParsedDoc, type Tree, type TreeMap } from "./parsed";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const WORDS: readonly (readonly [string, Tree])[] = [["true", true], ["false", false], ["null", null]];
/** A string body that needs the slow path: an escape or a control character. */
const SPECIAL = /[\\\u0000-\u001f]/;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function parseJsonStrict(payload: Uint8Array): ParsedDoc {
	let text: string;
	try {
		text = utf8.decode(payload);
	} catch {
		throw new ParseError("invalid UTF-8");
	}
	const p = new JsonParser(text);
	p.ws();
	const value = p.value(0);
	p.ws();
	if (p.pos !== text.length) p.fail("trailing characters");
	return { value, floats: p.floats };
}

class JsonParser {
	pos = 0;
	readonly floats = new WeakMap<object, Set<string>>();
	#lastWasFloat = false;

	constructor(private readonly s: string) {}

	fail(why: string): never {
		throw new ParseError(`${why} at offset ${this.pos}`);
	}

	ws(): void {
		const s = this.s;
		while (this.pos < s.length) {
			const c = s.charCodeAt(this.pos);
			if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
			this.pos++;
		}
	}

	value(depth: number): Tree {
		if (depth > MAX_DEPTH) this.fail("nested too deep");
		const c = this.s[this.pos];
		if (c === "-" || (c >= "0" && c <= "9")) return this.#number();
		let v: Tree;
		if (c === "{") v = this.#object(depth);
		else if (c === "[") v = this.#array(depth);
		else if (c === '"') v = this.#string();
		else v = this.#word(c);
		this.#lastWasFloat = false;
		return v;
	}

	#word(c: string | undefined): Tree {
		for (const [word, v] of WORDS) {
			if (this.s.startsWith(word, this.pos)) {
				this.pos += word.length;
				return v;
			}
		}
		return this.fail(c === undefined ? "unexpected end" : "unexpected character");
	}

	#expect(c: string): void {
		if (this.s[this.pos] !== c) this.fail(`expected ${c}`);
		this.pos++;
	}

	#object(depth: number): TreeMap {
		const map = newMap();
		this.pos++;
		this.ws();
		if (this.s[this.pos] === "}") {
			this.pos++;
			return map;
		}
		for (;;) {
			this.ws();
			if (this.s[this.pos] !== '"') this.fail("expected a string key");
			const key = this.#string();
			this.ws();
			this.#expect(":");
			this.ws();
			setOnce(map, key, this.value(depth + 1));
			if (this.#lastWasFloat) markFloat(this.floats, map, key);
			this.ws();
			if (this.s[this.pos] === "}") {
				this.pos++;
				return map;
			}
			this.#expect(",");
		}
	}

	#array(depth: number): Tree[] {
		const out: Tree[] = [];
		this.pos++;
		this.ws();
		if (this.s[this.pos] === "]") {
			this.pos++;
			return out;
		}
		for (;;) {
			this.ws();
			out.push(this.value(depth + 1));
			this.ws();
			if (this.s[this.pos] === "]") {
				this.pos++;
				return out;
			}
			this.#expect(",");
		}
	}

	#string(): string {
		const s = this.s;
		const close = s.indexOf('"', this.pos + 1);
		if (close > 0) {
			const plain = s.slice(this.pos + 1, close);
			if (!SPECIAL.test(plain)) {
				this.pos = close + 1;
				return checkScalars(plain);
			}
		}
		let out = "";
		let start = ++this.pos;
		for (;;) {
			if (this.pos >= s.length) this.fail("unterminated string");
			const c = s.charCodeAt(this.pos);
			if (c === 0x22) break;
			if (c < 0x20) this.fail("control character in string");
			if (c !== 0x5c) {
				this.pos++;
				continue;
			}
			out += s.slice(start, this.pos);
			const e = s[this.pos + 1];
			if (e === "u") {
				const hex = s.slice(this.pos + 2, this.pos + 6);
				if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
				out += String.fromCharCode(parseInt(hex, 16));
				this.pos += 6;
			} else {
				const r = e === undefined ? undefined : ESCAPES[e];
				if (r === undefined) this.fail("bad escape");
				out += r;
				this.pos += 2;
			}
			start = this.pos;
		}
		out += s.slice(start, this.pos);
		this.pos++;
		return checkScalars(out);
	}

	#number(): number {
		NUMBER.lastIndex = this.pos;
		const m = NUMBER.exec(this.s);
		if (!m) return this.fail("bad number");
		this.pos += m[0].length;
		const isFloat = m[1] !== undefined || m[2] !== undefined;
		if (!isFloat) {
			const digits = m[0].startsWith("-") ? m[0].slice(1) : m[0];
			if (digits.length > MAX_SAFE_DIGITS.length || (digits.length === MAX_SAFE_DIGITS.length && digits > MAX_SAFE_DIGITS)) {
				this.fail("integer beyond 2^53-1 cannot be represented exactly");
			}
		}
		const n = checkNumber(Number(m[0]));
		this.#lastWasFloat = isFloat;
		return n;
	}
}
