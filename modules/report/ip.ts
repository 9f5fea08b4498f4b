/*
 * ip — strict textual IPv4 / IPv6 address checks (no zone ids, no leading zeros in IPv4 octets),
 * plus the "ip:port" / "[ipv6]:port" form of a connection's remote address.
 */

/** Dotted-quad IPv4: four decimal octets 0..255, no leading zeros, nothing else. */
export function isIPv4(text: string): boolean {
	const parts = text.split(".");
	if (parts.length !== 4) return false;
	for (const p of parts) {
		if (!isDecimal(p, 3) || (p.length > 1 && p.charCodeAt(0) === 0x30) || Number(p) > 255) return false;
	}
	return true;
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
	const port = text.slice(colon + 1);
	if (!isDecimal(port, 5) || Number(port) > 65535) return false;
	const host = text.slice(0, colon);
	if (host.charCodeAt(0) === 0x5b && host.charCodeAt(host.length - 1) === 0x5d) return isIPv6(host.slice(1, -1));
	return isIPv4(host);
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

function isDecimal(s: string, maxDigits: number): boolean {
	if (s.length === 0 || s.length > maxDigits) return false;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x30 || c > 0x39) return false;
	}
	return true;
}

function isHex(s: string): boolean {
	if (s.length === 0 || s.length > 4) return false;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
	}
	return true;
}
