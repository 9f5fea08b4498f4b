/*
 * utf8 — UTF-8 without TextEncoder (not guaranteed on every Moddable target).
 * Lone surrogates are written as U+FFFD, as TextEncoder does.
 */

/** Number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
	let n = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) n += 1;
		else if (c < 0x800) n += 2;
		else if (c >= 0xd800 && c <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
			n += 4;
			i++;
		} else n += 3;
	}
	return n;
}

/** Writes `text` at out[offset] and returns the offset after it. The caller sized `out` with utf8Length. */
export function utf8Write(text: string, out: Uint8Array, offset: number): number {
	let o = offset;
	for (let i = 0; i < text.length; i++) {
		let c = text.charCodeAt(i);
		if (c < 0x80) {
			out[o++] = c;
			continue;
		}
		if (c < 0x800) {
			out[o++] = 0xc0 | (c >> 6);
			out[o++] = 0x80 | (c & 0x3f);
			continue;
		}
		if (c >= 0xd800 && c <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
			c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
			out[o++] = 0xf0 | (c >> 18);
			out[o++] = 0x80 | ((c >> 12) & 0x3f);
		} else {
			if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
			out[o++] = 0xe0 | (c >> 12);
		}
		out[o++] = 0x80 | ((c >> 6) & 0x3f);
		out[o++] = 0x80 | (c & 0x3f);
	}
	return o;
}

/** Encodes `text` into a new Uint8Array. */
export function utf8Encode(text: string): Uint8Array {
	const out = new Uint8Array(utf8Length(text));
	utf8Write(text, out, 0);
	return out;
}

/**
 * Decodes bytes[start, end) strictly. Returns undefined on any malformed sequence (overlong forms,
 * surrogates, truncated sequences, values above U+10FFFF), so callers can report a named error.
 */
export function utf8Decode(bytes: Uint8Array, start = 0, end = bytes.length): string | undefined {
	let s = "";
	let i = start;
	while (i < end) {
		const b = bytes[i];
		if (b < 0x80) {
			s += String.fromCharCode(b);
			i++;
			continue;
		}
		const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : -1;
		if (need < 0 || b > 0xf4 || i + need >= end) return undefined;
		let c = b & (0x3f >> need);
		for (let k = 1; k <= need; k++) {
			const x = bytes[i + k];
			if ((x & 0xc0) !== 0x80) return undefined;
			c = (c << 6) | (x & 0x3f);
		}
		if ((need === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (need === 3 && (c < 0x10000 || c > 0x10ffff))) return undefined;
		s += String.fromCodePoint(c);
		i += need + 1;
	}
	return s;
}

function isLow(c: number): boolean {
	return c >= 0xdc00 && c <= 0xdfff;
}
