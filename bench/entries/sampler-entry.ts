/*
 * XS bench entry for the sampler: a driver whose counters advance and wrap without allocating, our
 * Sampler polling it, and a naive peer (one object per sample in a shifted array; no folding, no restart or range checks).
 */
import type { EstablishedConnection, ListeningPort, NetDriver } from "../../modules/netdriver/netdriver";
import { newNetStats, Sampler } from "../../modules/sampler/sampler";

class CountingDriver implements NetDriver {
	readonly counterBits = 32;
	#c0 = 0;
	#c1 = 0;
	#step = 0;

	/** Moves the counters by an uneven amount, wrapping at 2^32 like lwIP. */
	tick(): void {
		this.#step = (this.#step + 7919) % 65536;
		this.#c0 = (this.#c0 + 1_000_000 + this.#step) % 4294967296;
		this.#c1 = (this.#c1 + 1 + (this.#step & 7)) % 4294967296;
	}

	read(out: Float64Array): number {
		out[0] = this.#c0;
		out[1] = this.#c0;
		out[2] = this.#c1;
		out[3] = this.#c1;
		return 1;
	}

	listeningTcpPorts(): ListeningPort[] {
		return [];
	}

	listeningUdpPorts(): ListeningPort[] {
		return [];
	}

	establishedConnections(): EstablishedConnection[] {
		return [];
	}
}

const driver = new CountingDriver();
const sampler = new Sampler({ driver, capacity: 32 });
const naive: { time: number; bytesIn: number; bytesOut: number; packetsIn: number; packetsOut: number }[] = [];
const naivePrev = [0, 0, 0, 0];
let time = 0;
const stats = newNetStats();

/** Records n events (driver traffic + poll) into our sampler. */
export function record(n: number): number {
	for (let i = 0; i < n; i++) {
		driver.tick();
		sampler.poll(++time);
	}
	return sampler.pending(stats).bytesIn;
}

/** The same events into the naive peer: a new object per sample, the array shifted when over 32. */
export function recordNaive(n: number): number {
	const raw = new Float64Array(4);
	for (let i = 0; i < n; i++) {
		driver.tick();
		driver.read(raw);
		naive.push({ time: ++time, bytesIn: (raw[0] - naivePrev[0]) >>> 0, bytesOut: (raw[1] - naivePrev[1]) >>> 0, packetsIn: (raw[2] - naivePrev[2]) >>> 0, packetsOut: (raw[3] - naivePrev[3]) >>> 0 });
		for (let c = 0; c < 4; c++) naivePrev[c] = raw[c];
		if (naive.length > 32) naive.shift();
	}
	return naive.length;
}
