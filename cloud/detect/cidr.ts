/*
 * cidr — IPv4/IPv6 address and CIDR checks for the cidr-set operators, on node:net's BlockList.
 * A bare address is a host route (/32 or /128). Compiled sets are cached per cidr array.
 */
import { BlockList, isIP } from "node:net";

function split(cidr: string): { addr: string; prefix: number; family: 4 | 6 } | undefined {
	const [addr, bits, extra] = cidr.split("/");
	const family = isIP(addr);
	if (family === 0 || extra !== undefined) return undefined;
	const max = family === 4 ? 32 : 128;
	const prefix = bits === undefined ? max : Number(bits);
	if (!/^\d+$/.test(bits ?? String(max)) || prefix > max) return undefined;
	return { addr, prefix, family: family as 4 | 6 };
}

export function isIp(s: unknown): boolean {
	return typeof s === "string" && isIP(s) !== 0;
}

export function isCidr(s: unknown): boolean {
	return typeof s === "string" && s.length >= 2 && s.length <= 43 && split(s) !== undefined;
}

const compiled = new WeakMap<string[], BlockList>();

function compile(cidrs: string[]): BlockList {
	let list = compiled.get(cidrs);
	if (list) return list;
	list = new BlockList();
	for (const c of cidrs) {
		const s = split(c);
		if (s) list.addSubnet(s.addr, s.prefix, s.family === 4 ? "ipv4" : "ipv6");
	}
	compiled.set(cidrs, list);
	return list;
}

/** True when `ip` lies inside one of `cidrs`; a string that is no IP lies inside none. */
export function inCidrs(cidrs: string[], ip: string): boolean {
	const family = isIP(ip);
	if (family === 0) return false;
	return compile(cidrs).check(ip, family === 4 ? "ipv4" : "ipv6");
}
