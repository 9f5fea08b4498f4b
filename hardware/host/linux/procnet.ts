/*
 * procnet — pure parsers for the Linux kernel's network tables as text: /proc/net/dev (interface
 * counters) and /proc/net/{tcp,tcp6,udp,udp6} (sockets). No I/O here: the driver (linux-driver.ts)
 * reads the files and hands their text in, so every format rule is tested on fixture text.
 *
 * Socket tables print addresses as the kernel's in-memory words in hex: an IPv4 address is one
 * 32-bit word (%08X), an IPv6 address four of them, each in the machine's byte order (little-endian
 * on x86 and ARM: "0100007F" is 127.0.0.1). Ports are printed already in host order ("0CEA" = 3306).
 */

/** One interface's counters from /proc/net/dev, as BigInt: the kernel's counters are 64-bit. */
export interface InterfaceCounters {
	name: string;
	rxBytes: bigint;
	rxPackets: bigint;
	txBytes: bigint;
	txPackets: bigint;
}

/** A TCP or UDP socket from /proc/net/{tcp,tcp6,udp,udp6}. */
export interface SocketEntry {
	localAddress: string;
	localPort: number;
	remoteAddress: string;
	remotePort: number;
	/** Kernel socket state: 0x0A listen, 0x01 established, 0x07 close (an unconnected UDP socket). */
	state: number;
}

export const TCP_ESTABLISHED = 0x01;
export const TCP_CLOSE = 0x07;
export const TCP_LISTEN = 0x0a;

export class ProcNetError extends Error {
	readonly code = "BadProcNet";
	constructor(message: string) {
		super(message);
		this.name = "ProcNetError";
	}
}

const DECIMAL = /^[0-9]+$/;

function counter(text: string | undefined, what: string): bigint {
	if (text === undefined || !DECIMAL.test(text)) throw new ProcNetError(`${what}: expected a decimal counter, got ${JSON.stringify(text)}`);
	return BigInt(text);
}

/**
 * Parses /proc/net/dev: two header lines, then "name: rx_bytes rx_packets errs drop fifo frame
 * compressed multicast tx_bytes tx_packets …" (16 numbers). Old kernels print no space between the
 * colon and a wide first number ("eth0:123456"); interface names cannot contain ':'.
 */
export function parseNetDev(text: string): InterfaceCounters[] {
	const lines = text.split("\n");
	if (lines.length < 2 || !lines[0].includes("|") || !lines[1].includes("|")) throw new ProcNetError("/proc/net/dev: missing the two header lines");
	const out: InterfaceCounters[] = [];
	for (let i = 2; i < lines.length; i++) {
		const line = lines[i].trim();
		if (line === "") continue;
		const colon = line.indexOf(":");
		if (colon <= 0) throw new ProcNetError(`/proc/net/dev line ${i + 1}: no "name:" in ${JSON.stringify(line)}`);
		const name = line.slice(0, colon);
		const f = line.slice(colon + 1).trim().split(/\s+/);
		if (f.length < 16) throw new ProcNetError(`/proc/net/dev line ${i + 1} (${name}): expected 16 counters, got ${f.length}`);
		const what = `/proc/net/dev ${name}`;
		out.push({ name, rxBytes: counter(f[0], what), rxPackets: counter(f[1], what), txBytes: counter(f[8], what), txPackets: counter(f[9], what) });
	}
	return out;
}

const HEX = /^[0-9A-Fa-f]+$/;

/** One kernel word of 8 hex digits as its four bytes in memory order. */
function wordBytes(hex: string, littleEndian: boolean): number[] {
	const v = parseInt(hex, 16);
	const be = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
	return littleEndian ? be.reverse() : be;
}

/** IPv6 text from 16 bytes: lowercase, longest run of zero groups as "::", IPv4-mapped as dotted. */
export function formatIPv6(bytes: number[]): string {
	if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join(".")}`;
	const groups: number[] = [];
	for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
	let best = -1;
	let bestLen = 1;
	for (let i = 0; i < 8; ) {
		let j = i;
		while (j < 8 && groups[j] === 0) j++;
		if (j - i > bestLen) [best, bestLen] = [i, j - i];
		i = j === i ? i + 1 : j;
	}
	const hex = groups.map((g) => g.toString(16));
	if (best < 0) return hex.join(":");
	return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** A /proc/net socket-table address ("0100007F" or 32 hex digits) as text. */
export function parseHexAddress(hex: string, littleEndian = true): string {
	if (!HEX.test(hex) || (hex.length !== 8 && hex.length !== 32)) throw new ProcNetError(`socket address must be 8 or 32 hex digits, got ${JSON.stringify(hex)}`);
	if (hex.length === 8) return wordBytes(hex, littleEndian).join(".");
	const bytes: number[] = [];
	for (let i = 0; i < 32; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8), littleEndian));
	return formatIPv6(bytes);
}

function endpoint(text: string | undefined, what: string, littleEndian: boolean): [string, number] {
	const parts = (text ?? "").split(":");
	if (parts.length !== 2 || !HEX.test(parts[1]) || parts[1].length > 4) throw new ProcNetError(`${what}: expected ADDRESS:PORT in hex, got ${JSON.stringify(text)}`);
	return [parseHexAddress(parts[0], littleEndian), parseInt(parts[1], 16)];
}

/**
 * Parses /proc/net/tcp, tcp6, udp or udp6: a header line, then "sl: local rem st …" per socket.
 * `littleEndian` is the machine's byte order (os.endianness() === "LE").
 */
export function parseSocketTable(text: string, littleEndian = true): SocketEntry[] {
	const lines = text.split("\n");
	if (!/^\s*sl\s+local_address\s+rem(?:ote)?_address\s+st\b/.test(lines[0] ?? "")) throw new ProcNetError(`socket table: missing the "sl local_address rem_address st" header`);
	const out: SocketEntry[] = [];
	for (let i = 1; i < lines.length; i++) {
		const f = lines[i].trim().split(/\s+/);
		if (f.length === 1 && f[0] === "") continue;
		const what = `socket table line ${i + 1}`;
		if (f.length < 4 || !/^[0-9]+:$/.test(f[0])) throw new ProcNetError(`${what}: expected "sl: local rem st", got ${JSON.stringify(lines[i])}`);
		const [localAddress, localPort] = endpoint(f[1], what, littleEndian);
		const [remoteAddress, remotePort] = endpoint(f[2], what, littleEndian);
		if (!HEX.test(f[3]) || f[3].length !== 2) throw new ProcNetError(`${what}: state must be 2 hex digits, got ${JSON.stringify(f[3])}`);
		out.push({ localAddress, localPort, remoteAddress, remotePort, state: parseInt(f[3], 16) });
	}
	return out;
}

/** "::ffff:a.b.c.d" as "a.b.c.d"; other addresses unchanged. */
export function unmapIPv4(address: string): string {
	return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** "a.b.c.d:port" or "[v6]:port", IPv4-mapped IPv6 written as IPv4. */
export function remoteAddr(address: string, port: number): string {
	const a = unmapIPv4(address);
	return a.includes(":") ? `[${a}]:${port}` : `${a}:${port}`;
}
