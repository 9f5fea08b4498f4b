/*
 * health (Moddable) — the health-metric providers (modules/health) on Moddable, ESP32 and the
 * simulators alike:
 *   freeHeap, xsSlotBytes, xsChunkBytes  Instrumentation "System Free Memory", "XS Slot Heap Used",
 *                                        "XS Chunk Heap Used" (debug/instrumented builds; a
 *                                        release build has no counters, so these report nothing)
 *   minFreeHeap                          the lowest freeHeap this module has read (sampled at
 *                                        reports); the ESP32 replaces it with the allocator's own
 *   rssi                                 Net.get("RSSI") (undefined while not associated)
 *   uptimeSeconds                        Time.ticks / 1000 (wraps at 2^32 ms, 49.7 days, on a
 *                                        microcontroller; the ESP32 replaces it with esp_timer)
 *   reboots                              the boot counter in the Store (modules/health countBoot)
 * resetReason needs ESP-IDF: hardware/esp32/health adds it.
 */
import Instrumentation from "instrumentation";
import Net from "net";
import Time from "time";
import { countBoot } from "../../modules/health/health";
import type { HealthProviders } from "../../modules/health/health";
import type { Log, Store } from "../../modules/platform/platform";

/** An instrument's value, or undefined when this build has no such counter. */
function counter(name: string): number | undefined {
	const index = Instrumentation.map(name);
	return index === undefined ? undefined : Instrumentation.get(index);
}

/*
 * The stateless providers are module functions, not closures made per call: preloaded, they stay in
 * flash, so a registered metric costs only its registration in live slots.
 */
function freeHeap(): number | undefined {
	return counter("System Free Memory");
}

function xsSlotBytes(): number | undefined {
	return counter("XS Slot Heap Used");
}

function xsChunkBytes(): number | undefined {
	return counter("XS Chunk Heap Used");
}

function rssi(): number | undefined {
	const value = Net.get("RSSI");
	return typeof value === "number" ? value : undefined;
}

function uptimeSeconds(): number {
	return Math.floor(Time.ticks / 1000);
}

/** `countBoots`: count this boot in the store (only when the reboots metric is on: one NVS write per boot). */
export function moddableHealth(store: Store, log: Log, countBoots: boolean): HealthProviders {
	let low: number | undefined;
	const sample = (): number | undefined => {
		const free = freeHeap();
		if (free !== undefined && (low === undefined || free < low)) low = free;
		return free;
	};
	const reboots = countBoots ? countBoot(store, log) : undefined;
	return {
		freeHeap: sample,
		minFreeHeap: () => {
			sample();
			return low;
		},
		xsSlotBytes,
		xsChunkBytes,
		rssi,
		uptimeSeconds,
		reboots: reboots === undefined ? undefined : () => reboots,
	};
}
