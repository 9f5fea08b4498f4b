/*
 * netdriver — the Node host NetDriver: socket-level counting of the device's own traffic.
 *
 * Counters are fed by the counting layer (counting.ts) of every socket the device opens through
 * hardware/host/transport.ts: wire bytes under TLS, packets estimated per chunk (see counting.ts).
 * They are JS numbers (counterBits 53: they never wrap in practice). The generation changes when the
 * counters restart (a new driver, or restart()). The driver also keeps the registry of what the
 * device has open: established TCP connections (added on connect, removed on close) and listening
 * TCP/UDP ports (servers registered with trackServer or addListener).
 */
import type { Server, Socket } from "node:net";
import type { Socket as UdpSocket } from "node:dgram";
import { BYTES_IN, BYTES_OUT, PACKETS_IN, PACKETS_OUT } from "../../modules/netdriver/netdriver";
import type { EstablishedConnection, ListeningPort, NetDriver } from "../../modules/netdriver/netdriver";
import type { CountSink } from "./counting";

export interface HostNetDriverOptions {
	/** Interface name reported for ports and connections (default "lo": the host harness talks on loopback). */
	interfaceName?: string;
	/** Initial generation (default: Date.now() at construction). */
	generation?: number;
}

export class HostNetDriver implements NetDriver, CountSink {
	readonly counterBits = 53;
	readonly #counters = new Float64Array(4);
	readonly #interface: string;
	#generation: number;
	readonly #connections = new Set<EstablishedConnection>();
	readonly #tcp = new Set<ListeningPort>();
	readonly #udp = new Set<ListeningPort>();

	constructor(options: HostNetDriverOptions = {}) {
		this.#interface = options.interfaceName ?? "lo";
		this.#generation = options.generation ?? Date.now();
	}

	read(out: Float64Array): number {
		out[BYTES_IN] = this.#counters[BYTES_IN];
		out[BYTES_OUT] = this.#counters[BYTES_OUT];
		out[PACKETS_IN] = this.#counters[PACKETS_IN];
		out[PACKETS_OUT] = this.#counters[PACKETS_OUT];
		return this.#generation;
	}

	countIn(bytes: number, packets: number): void {
		this.#counters[BYTES_IN] += bytes;
		this.#counters[PACKETS_IN] += packets;
	}

	countOut(bytes: number, packets: number): void {
		this.#counters[BYTES_OUT] += bytes;
		this.#counters[PACKETS_OUT] += packets;
	}

	/** Counters back to 0 and a new generation (an interface restart). */
	restart(): void {
		this.#counters.fill(0);
		this.#generation++;
	}

	/** Registers a raw TCP socket the device opened: listed as established from connect to close. */
	trackSocket(socket: Socket): void {
		const entry: EstablishedConnection = { remoteAddr: "", localInterface: this.#interface };
		socket.once("connect", () => {
			const a = socket.remoteAddress ?? "";
			entry.remoteAddr = `${a.includes(":") ? `[${a}]` : a}:${socket.remotePort}`;
			entry.localPort = socket.localPort;
			this.#connections.add(entry);
		});
		socket.once("close", () => this.#connections.delete(entry));
	}

	/** Registers a listening port by hand; returns the function that unregisters it. */
	addListener(kind: "tcp" | "udp", port: number): () => void {
		const set = kind === "tcp" ? this.#tcp : this.#udp;
		const entry: ListeningPort = { port, interface: this.#interface };
		set.add(entry);
		return () => set.delete(entry);
	}

	/** Registers a TCP server or UDP socket the device opened, from 'listening' until 'close'. */
	trackServer(server: Server | UdpSocket, kind: "tcp" | "udp"): void {
		let release: (() => void) | undefined;
		const add = () => {
			const a = server.address();
			if (a && typeof a === "object") release = this.addListener(kind, a.port);
		};
		server.once("listening", add);
		server.once("close", () => release?.());
	}

	listeningTcpPorts(): ListeningPort[] {
		return [...this.#tcp].map((p) => ({ ...p }));
	}

	listeningUdpPorts(): ListeningPort[] {
		return [...this.#udp].map((p) => ({ ...p }));
	}

	establishedConnections(): EstablishedConnection[] {
		return [...this.#connections].map((c) => ({ ...c }));
	}
}
