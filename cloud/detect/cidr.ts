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

/** IPv4 networks as (network, mask) pairs for a fast path; IPv6 goes through a BlockList. */
interface CompiledSet {
	v4: Uint32Array;
	v6: BlockList;
}

const compiled = new WeakMap<string[], CompiledSet>();

function ipv4(addr: string): number | undefined {
	const parts = addr.split(".");
	if (parts.length !== 4) return undefined;
	let n = 0;
	for (const p of parts) {
		const b = Number(p);
		if (p === "" || !(b >= 0 && b <= 255) || !Number.isInteger(b)) return undefined;
		n = n * 256 + b;
	}
	return n >>> 0;
}

function compile(cidrs: string[]): CompiledSet {
	let set = compiled.get(cidrs);
	if (set) return set;
	const v4: number[] = [];
	const v6 = new BlockList();
	for (const c of cidrs) {
		const s = split(c);
		if (s?.family === 4) {
			const mask = s.prefix === 0 ? 0 : (0xffffffff << (32 - s.prefix)) >>> 0;
			v4.push((ipv4(s.addr)! & mask) >>> 0, mask);
		} else if (s) v6.addSubnet(s.addr, s.prefix, "ipv6");
	}
	set = { v4: Uint32Array.from(v4), v6 };
	compiled.set(cidrs, set);
	return set;
}

/** True when `ip` lies inside one of `cidrs`; a string that is no IP lies inside none. */
export function inCidrs(cidrs: string[], ip: string): boolean {
	const set = compile(cidrs);
	const n = ipv4(ip);
	if (n !== undefined) {
		for (let i = 0; i < set.v4.length; i += 2) if (((n & set.v4[i + 1]) >>> 0) === set.v4[i]) return true;
		return false;
	}
	return isIP(ip) === 6 && set.v6.check(ip, "ipv6");
}
