/*
 * linux-driver — the NetDriver of a Linux gateway, read from the kernel's own tables: bytes and
 * packets in/out of the chosen interfaces from /proc/net/dev, and the whole machine's listening TCP
 * and UDP ports and established TCP connections from /proc/net/{tcp,tcp6,udp,udp6}.
 *
 * Counters. The kernel's are 64-bit and start at boot (or when an interface is created). The driver
 * takes a baseline when it is created and accumulates, per interface, what each counter grew by
 * since the last read, so its own four counters start at 0 with the driver, as the firmware's do.
 * A counter that went down means the interface restarted from 0 (re-created, driver reloaded): its
 * new value is what it counted since. An interface that appears later counts from its current value
 * (it is new); one that disappears keeps what it had contributed. The sums are JS numbers modulo
 * 2^53 (counterBits 53; at 10 Gbit/s that is 228 years of traffic). The generation changes only
 * with a new driver. Counting is what the kernel counts: link-layer frames (IP and ARP, headers in).
 *
 * A read that fails (the proc file unreadable) leaves the counters where they were (the growth is
 * picked up by the next good read) and is kept in `lastError`; nothing is lost.
 *
 * Unlike the firmware drivers, read() allocates (a file read, BigInt arithmetic): this driver runs
 * on Node, at most once per poll (10 s).
 */
import { readFileSync } from "node:fs";
import { endianness, networkInterfaces } from "node:os";
import { BYTES_IN, BYTES_OUT, PACKETS_IN, PACKETS_OUT } from "../../../modules/netdriver/netdriver";
import type { EstablishedConnection, ListeningPort, NetDriver } from "../../../modules/netdriver/netdriver";
import { parseNetDev, parseSocketTable, remoteAddr, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, unmapIPv4 } from "./procnet";
import type { InterfaceCounters, SocketEntry } from "./procnet";

export interface LinuxDriverOptions {
	/** Interfaces whose traffic is counted; default every interface but "lo". */
	interfaces?: string[];
	/** The proc net directory: default "/proc/self/net"; "/proc/<pid>/net" reads another process's network namespace. */
	procNet?: string;
	/** Local address → interface name, for ports and connections; default from os.networkInterfaces(). */
	addressInterfaces?: () => Map<string, string>;
	/** Initial generation (default Date.now()). */
	generation?: number;
}

export class LinuxDriverError extends Error {
	readonly code = "BadInterface";
	constructor(message: string) {
		super(message);
		this.name = "LinuxDriverError";
	}
}

const WRAP = 2 ** 53;

/** Local address → interface name of this process's namespace (wildcards are not in it). */
export function hostAddressInterfaces(): Map<string, string> {
	const map = new Map<string, string>();
	for (const [name, addresses] of Object.entries(networkInterfaces())) {
		for (const a of addresses ?? []) map.set(a.address.split("%")[0], name);
	}
	return map;
}

export class LinuxNetDriver implements NetDriver {
	readonly counterBits = 53;
	readonly #procNet: string;
	readonly #chosen: Set<string> | undefined;
	readonly #addresses: () => Map<string, string>;
	readonly #littleEndian = endianness() === "LE";
	readonly #generation: number;
	readonly #counters = new Float64Array(4);
	readonly #last = new Map<string, bigint[]>();
	/** The last failed read, undefined once a read succeeds again. */
	lastError: Error | undefined;

	/** Throws LinuxDriverError when a chosen interface does not exist, ProcNetError for unreadable tables. */
	constructor(options: LinuxDriverOptions = {}) {
		this.#procNet = options.procNet ?? "/proc/self/net";
		this.#chosen = options.interfaces && options.interfaces.length > 0 ? new Set(options.interfaces) : undefined;
		this.#addresses = options.addressInterfaces ?? hostAddressInterfaces;
		this.#generation = options.generation ?? Date.now();
		const present = this.#interfaceCounters();
		for (const name of this.#chosen ?? []) {
			if (!present.some((c) => c.name === name)) throw new LinuxDriverError(`interface ${name} not found in ${this.#procNet}/dev (present: ${present.map((c) => c.name).join(", ")})`);
		}
		for (const c of present) if (this.#counts(c.name)) this.#last.set(c.name, values(c));
	}

	/** The interfaces counted now. */
	get interfaces(): string[] {
		return [...this.#last.keys()];
	}

	read(out: Float64Array): number {
		try {
			this.#accumulate(this.#interfaceCounters());
			this.lastError = undefined;
		} catch (error) {
			this.lastError = error as Error;
		}
		out[BYTES_IN] = this.#counters[BYTES_IN];
		out[BYTES_OUT] = this.#counters[BYTES_OUT];
		out[PACKETS_IN] = this.#counters[PACKETS_IN];
		out[PACKETS_OUT] = this.#counters[PACKETS_OUT];
		return this.#generation;
	}

	listeningTcpPorts(): ListeningPort[] {
		return this.#ports(this.#sockets("tcp").filter((s) => s.state === TCP_LISTEN));
	}

	/** Bound UDP sockets that are not connected to one peer (state 07, no remote port). */
	listeningUdpPorts(): ListeningPort[] {
		return this.#ports(this.#sockets("udp").filter((s) => s.state === TCP_CLOSE && s.remotePort === 0 && s.localPort !== 0));
	}

	establishedConnections(): EstablishedConnection[] {
		const names = this.#addresses();
		return this.#sockets("tcp")
			.filter((s) => s.state === TCP_ESTABLISHED)
			.map((s) => withInterface({ remoteAddr: remoteAddr(s.remoteAddress, s.remotePort), localPort: s.localPort }, "localInterface", names.get(unmapIPv4(s.localAddress))));
	}

	#counts(name: string): boolean {
		return this.#chosen ? this.#chosen.has(name) : name !== "lo";
	}

	#interfaceCounters(): InterfaceCounters[] {
		return parseNetDev(readFileSync(`${this.#procNet}/dev`, "utf8"));
	}

	#accumulate(now: InterfaceCounters[]): void {
		for (const c of now) {
			if (!this.#counts(c.name)) continue;
			const v = values(c);
			const before = this.#last.get(c.name);
			for (let i = 0; i < 4; i++) {
				const grew = before === undefined || v[i] < before[i] ? v[i] : v[i] - before[i];
				this.#counters[i] = (this.#counters[i] + Number(grew % BigInt(WRAP))) % WRAP;
			}
			this.#last.set(c.name, v);
		}
	}

	/** Both address families of "tcp" or "udp"; a missing v6 table (IPv6 off) is empty. */
	#sockets(kind: "tcp" | "udp"): SocketEntry[] {
		const v4 = parseSocketTable(readFileSync(`${this.#procNet}/${kind}`, "utf8"), this.#littleEndian);
		let v6: SocketEntry[] = [];
		try {
			v6 = parseSocketTable(readFileSync(`${this.#procNet}/${kind}6`, "utf8"), this.#littleEndian);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
		}
		return [...v4, ...v6];
	}

	/** One entry per (port, interface), sorted by port; a wildcard address has no interface. */
	#ports(sockets: SocketEntry[]): ListeningPort[] {
		const names = this.#addresses();
		const seen = new Map<string, ListeningPort>();
		for (const s of sockets) {
			const name = names.get(unmapIPv4(s.localAddress));
			seen.set(`${s.localPort}/${name ?? ""}`, withInterface({ port: s.localPort }, "interface", name));
		}
		return [...seen.values()].sort((a, b) => a.port - b.port || (a.interface ?? "").localeCompare(b.interface ?? ""));
	}
}

function values(c: InterfaceCounters): bigint[] {
	const v = [0n, 0n, 0n, 0n];
	v[BYTES_IN] = c.rxBytes;
	v[BYTES_OUT] = c.txBytes;
	v[PACKETS_IN] = c.rxPackets;
	v[PACKETS_OUT] = c.txPackets;
	return v;
}

function withInterface<T extends object, K extends string>(entry: T, key: K, name: string | undefined): T {
	return name === undefined ? entry : { ...entry, [key]: name };
}
