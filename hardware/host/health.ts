/*
 * health (host) — the health-metric providers (modules/health) on Node:
 *   freeHeap      V8 heap total - used (process.memoryUsage), bytes
 *   minFreeHeap   the lowest freeHeap read so far (sampled at reports)
 *   uptimeSeconds whole seconds of process.uptime()
 *   reboots       the boot counter in the Store (modules/health countBoot): one per startDevice
 * No XS heaps, no Wi-Fi and no reset reason on a host: those metrics are reported as missing.
 */
import { countBoot } from "../../modules/health/health";
import type { HealthProviders } from "../../modules/health/health";
import type { Log, Store } from "../../modules/platform/platform";

export interface HostHealthSources {
	memory: () => { heapTotal: number; heapUsed: number };
	uptime: () => number;
}

const NODE: HostHealthSources = { memory: () => process.memoryUsage(), uptime: () => process.uptime() };

/** `countBoots`: count this start in the store (only when the reboots metric is on: one write per start). */
export function hostHealth(store: Store, log: Log, countBoots: boolean, sources: HostHealthSources = NODE): HealthProviders {
	let low: number | undefined;
	const freeHeap = (): number => {
		const m = sources.memory();
		const free = m.heapTotal - m.heapUsed;
		if (low === undefined || free < low) low = free;
		return free;
	};
	const reboots = countBoots ? countBoot(store, log) : undefined;
	return {
		freeHeap,
		minFreeHeap: () => {
			freeHeap();
			return low;
		},
		uptimeSeconds: () => Math.floor(sources.uptime()),
		reboots: reboots === undefined ? undefined : () => reboots,
	};
}
