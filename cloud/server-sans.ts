/*
 * server-sans — the names a device may use to reach the broker: localhost and 127.0.0.1, this machine's host
 * name (and its mDNS .local form) and every interface address, plus names and addresses given with --san.
 * The broker certificate carries exactly this set (pki.ts re-issues it when the set changes).
 */
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";

const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** undefined when `san` is a DNS name or an IP address, otherwise why not. */
export function checkSan(san: string): string | undefined {
	if (isIP(san) !== 0 || DNS_NAME.test(san)) return undefined;
	return `"${san}" is neither a DNS name nor an IP address`;
}

function machineNames(): string[] {
	const host = hostname();
	if (checkSan(host) !== undefined) return [];
	return host.includes(".") ? [host] : [host, `${host}.local`];
}

function machineAddresses(): string[] {
	return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/** The SAN set of the broker certificate, sorted and without duplicates; `extra` must pass checkSan. */
export function serverSans(extra: readonly string[] = []): string[] {
	const bad = extra.map(checkSan).find((p) => p !== undefined);
	if (bad !== undefined) throw new Error(`--san: ${bad}`);
	return [...new Set(["localhost", "127.0.0.1", ...machineNames(), ...machineAddresses(), ...extra])].sort();
}
