/*
 * netdriver — the Moddable simulator's network driver: socket-level counting.
 *
 * The simulator runs on host sockets, so there is no interface to read counters from. Instead the
 * counting TCP socket (hardware/moddable/counting) reports every read and write under TLS here as
 * a SocketMeter; those are the wire bytes of the TCP payload. The firmware's connections are the
 * established list (the firmware opens no listener, so both listening lists are empty).
 *
 * Packets are estimated, not seen, as TCP segments of at most MSS (1436, the ESP32 default)
 * bytes: each write of n bytes is ceil(n / MSS) segments out, each read ceil(n / MSS) segments in;
 * the peer acknowledges every second segment we send (one packet in per two out, rounded up per
 * write) and we acknowledge every second one we receive; opening a connection is 2 packets out
 * (SYN, ACK) and 1 in (SYN-ACK); ending it 2 out and 2 in (FIN/ACK both ways). IP and TCP headers
 * are not added to the byte counts: they are payload bytes, like Moddable's own instrumentation.
 * Counters are JS numbers that never wrap (counterBits 53), and they start at 0 with the driver.
 * On lin/mac/win the manifest maps "hardware/platform/netdriver" here; main.ts uses DeviceNetDriver.
 */
import { BYTES_IN, BYTES_OUT, PACKETS_IN, PACKETS_OUT } from "../../modules/netdriver/netdriver";
import type { EstablishedConnection, ListeningPort, NetDriver } from "../../modules/netdriver/netdriver";
import type { SocketMeter } from "../moddable/meter";

export const MSS = 1436;

export class SimNetDriver implements NetDriver, SocketMeter {
	readonly counterBits = 53;
	#generation: number;
	#counts = [0, 0, 0, 0];
	#unackedIn = 0;
	#unackedOut = 0;
	#nextId = 1;
	#ids: number[] = [];
	#connections: EstablishedConnection[] = [];

	/** `generation` distinguishes driver instances (counters restart at 0 with each one). */
	constructor(generation = 1) {
		this.#generation = generation;
	}

	read(out: Float64Array): number {
		const c = this.#counts;
		out[BYTES_IN] = c[BYTES_IN];
		out[BYTES_OUT] = c[BYTES_OUT];
		out[PACKETS_IN] = c[PACKETS_IN];
		out[PACKETS_OUT] = c[PACKETS_OUT];
		return this.#generation;
	}

	listeningTcpPorts(): ListeningPort[] {
		return [];
	}

	listeningUdpPorts(): ListeningPort[] {
		return [];
	}

	establishedConnections(): EstablishedConnection[] {
		return this.#connections;
	}

	received(bytes: number): void {
		if (!(bytes > 0)) return;
		const segments = Math.ceil(bytes / MSS);
		this.#counts[BYTES_IN] += bytes;
		this.#counts[PACKETS_IN] += segments;
		this.#unackedIn += segments;
		this.#counts[PACKETS_OUT] += this.#unackedIn >> 1;
		this.#unackedIn &= 1;
	}

	sent(bytes: number): void {
		if (!(bytes > 0)) return;
		const segments = Math.ceil(bytes / MSS);
		this.#counts[BYTES_OUT] += bytes;
		this.#counts[PACKETS_OUT] += segments;
		this.#unackedOut += segments;
		this.#counts[PACKETS_IN] += this.#unackedOut >> 1;
		this.#unackedOut &= 1;
	}

	opened(remoteAddr: string): number {
		const id = this.#nextId++;
		this.#ids.push(id);
		this.#connections.push({ remoteAddr });
		this.#counts[PACKETS_OUT] += 2;
		this.#counts[PACKETS_IN] += 1;
		return id;
	}

	closed(id: number): void {
		const i = this.#ids.indexOf(id);
		if (i < 0) return;
		this.#ids.splice(i, 1);
		this.#connections.splice(i, 1);
		this.#counts[PACKETS_OUT] += 2;
		this.#counts[PACKETS_IN] += 2;
	}
}

/** The name each platform's "hardware/platform/netdriver" exports (see hardware/esp32/netdriver.ts). */
export { SimNetDriver as DeviceNetDriver };
