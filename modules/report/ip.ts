/*
 * ip — strict textual IPv4 / IPv6 address checks (no zone ids, no leading zeros in IPv4 octets),
 * plus the "ip:port" / "[ipv6]:port" form of a connection's remote address.
 */

/** Dotted-quad IPv4: four decimal octets 0..255, no leading zeros, nothing else. */
export function isIPv4(text: string): boolean {
	return isIPv4At(text, 0, text.length);
}

/** isIPv4 of text[start, end), scanning in place (no allocation). */
function isIPv4At(text: string, start: number, end: number): boolean {
	let octets = 0;
	let value = 0;
	let digits = 0;
	for (let i = start; i <= end; i++) {
		const c = i < end ? text.charCodeAt(i) : 0x2e;
		if (c === 0x2e) {
			if (digits === 0) return false;
			octets++;
			digits = 0;
			value = 0;
		} else if (c < 0x30 || c > 0x39 || (digits === 1 && value === 0)) return false;
		else {
			value = value * 10 + c - 0x30;
			if (++digits > 3 || value > 255) return false;
		}
	}
	return octets === 4;
}

/** IPv6 text (RFC 4291 §2.2): eight hex groups, one optional "::", optional trailing IPv4. */
export function isIPv6(text: string): boolean {
	const halves = text.split("::");
	if (halves.length > 2) return false;
	const left = groupCount(halves[0], halves.length === 1);
	if (left < 0) return false;
	if (halves.length === 1) return left === 8;
	const right = groupCount(halves[1], true);
	return right >= 0 && left + right <= 7;
}

export function isIP(text: string): boolean {
	return isIPv4(text) || isIPv6(text);
}

/** "a.b.c.d:port" or "[v6]:port" with a decimal port 0..65535. */
export function isRemoteAddr(text: string): boolean {
	const colon = text.lastIndexOf(":");
	if (colon < 0) return false;
	const digits = text.length - colon - 1;
	if (digits < 1 || digits > 5) return false;
	let port = 0;
	for (let i = colon + 1; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x30 || c > 0x39) return false;
		port = port * 10 + c - 0x30;
	}
	if (port > 65535) return false;
	if (text.charCodeAt(0) === 0x5b && text.charCodeAt(colon - 1) === 0x5d) return isIPv6(text.slice(1, colon - 1));
	return isIPv4At(text, 0, colon);
}

/** Number of 16-bit groups in a ':'-separated run ("" = 0), or -1 if malformed. */
function groupCount(run: string, mayEndWithIPv4: boolean): number {
	if (run === "") return 0;
	const groups = run.split(":");
	let n = 0;
	for (let i = 0; i < groups.length; i++) {
		const g = groups[i];
		if (mayEndWithIPv4 && i === groups.length - 1 && g.indexOf(".") >= 0) {
			if (!isIPv4(g)) return -1;
			n += 2;
		} else if (isHex(g)) n += 1;
		else return -1;
	}
	return n;
}

function isHex(s: string): boolean {
	if (s.length === 0 || s.length > 4) return false;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
	}
	return true;
}
