/*
 * netdriver — the contract between a network driver and the sampler.
 *
 * A driver only counts. It keeps four monotonic counters (bytes and packets, in and out) of IP
 * traffic on the device's interface and can list the device's listening ports and established TCP
 * connections. Implementations: hardware/esp32 (lwIP netif wrappers,
 * 64-bit accumulators read as JS numbers), hardware/sim (socket-level counting in the Moddable simulator), hardware/host
 * (socket-level counting on Node).
 */

/** Index of each counter in the array filled by {@link NetDriver.read}. */
export const BYTES_IN = 0;
export const BYTES_OUT = 1;
export const PACKETS_IN = 2;
export const PACKETS_OUT = 3;
export const COUNTERS = 4;

export interface ListeningPort {
	port: number;
	interface?: string;
}

export interface EstablishedConnection {
	/** "a.b.c.d:port" or "[v6]:port" */
	remoteAddr: string;
	localPort?: number;
	localInterface?: string;
}

/**
 * A socket list as a driver returns it. A driver that lists into a fixed-size table (the ESP32's C
 * side keeps 16 of each) sets `total` to how many exist when that is more than it listed; the
 * report writes `total` from it, so the count stays true.
 */
export type Listed<T> = T[] & { total?: number };

export interface NetDriver {
	/**
	 * Width in bits at which the counters wrap back to 0: 32 for lwIP-style counters, 53 for
	 * counters that never wrap in practice (JS numbers). The sampler subtracts modulo 2^bits.
	 */
	readonly counterBits: number;
	/**
	 * Fills out[0..3] (BYTES_IN, BYTES_OUT, PACKETS_IN, PACKETS_OUT) with the current counter values and returns the
	 * driver's generation: a number that changes whenever the counters restarted from 0
	 * (driver re-created, interface restarted, device rebooted). Must not allocate.
	 */
	read(out: Float64Array): number;
	listeningTcpPorts(): Listed<ListeningPort>;
	listeningUdpPorts(): Listed<ListeningPort>;
	establishedConnections(): Listed<EstablishedConnection>;
}
