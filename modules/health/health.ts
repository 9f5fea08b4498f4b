/*
 * health — built-in device-health custom metrics, registered through the agent's typed custom-metric
 * API. Each group is switched on by one config key (modules/config/health.ts); the values come from
 * providers the platform passes in (hardware/moddable, hardware/esp32, hardware/host), since
 * modules/ imports no platform module.
 *
 *   group    metric (kind)                           provider
 *   heap     heap_free (number, bytes)               freeHeap
 *            heap_min_free (number, bytes)           minFreeHeap (low-water mark since boot)
 *   xsHeap   xs_slot_bytes, xs_chunk_bytes (number)  xsSlotBytes, xsChunkBytes
 *   rssi     wifi_rssi (number, dBm)                 rssi (undefined when not associated)
 *   uptime   uptime_s (number, seconds)              uptimeSeconds
 *   reboots  reboots (number), reset_reason (string_list, one entry)  reboots, resetReason
 *
 * A number provider is the collector itself: when it returns no finite number (RSSI while not
 * associated, a release build's counters) the agent's value check omits the metric from that report,
 * logs and counts it, and sends the rest. An empty reset reason throws HealthError, the same way.
 */
import type { Log, Store } from "../platform/platform";

export type HealthGroup = "heap" | "xsHeap" | "rssi" | "uptime" | "reboots";
export const HEALTH_GROUPS: readonly HealthGroup[] = Object.freeze(["heap", "xsHeap", "rssi", "uptime", "reboots"] as HealthGroup[]);
export type HealthSettings = Readonly<Record<HealthGroup, boolean>>;

export interface HealthProviders {
	freeHeap?: () => number | undefined;
	minFreeHeap?: () => number | undefined;
	xsSlotBytes?: () => number | undefined;
	xsChunkBytes?: () => number | undefined;
	rssi?: () => number | undefined;
	uptimeSeconds?: () => number | undefined;
	reboots?: () => number | undefined;
	resetReason?: () => string | undefined;
}

/** The part of DefenderAgent this module uses. */
export interface MetricSink {
	addNumber(name: string, collect: () => number): void;
	addStringList(name: string, collect: () => string[]): void;
}

export class HealthError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "HealthError";
	readonly code = "Unavailable";
	constructor(metric: string, value: unknown) {
		super(`Unavailable: ${metric} has no value (${String(value)})`);
	}
}

type Provider = keyof HealthProviders;

/** [group, metric name, provider]; reset_reason is the one string list. */
const METRICS: readonly (readonly [HealthGroup, string, Provider])[] = [
	["heap", "heap_free", "freeHeap"],
	["heap", "heap_min_free", "minFreeHeap"],
	["xsHeap", "xs_slot_bytes", "xsSlotBytes"],
	["xsHeap", "xs_chunk_bytes", "xsChunkBytes"],
	["rssi", "wifi_rssi", "rssi"],
	["uptime", "uptime_s", "uptimeSeconds"],
	["reboots", "reboots", "reboots"],
	["reboots", "reset_reason", "resetReason"],
];

export interface HealthRegistration {
	/** Metric names registered with the agent. */
	registered: string[];
	/** Metric names switched on whose provider this platform does not have (not registered). */
	missing: string[];
}

/** Registers the metrics of every group switched on in `settings`. */
export function registerHealth(sink: MetricSink, settings: HealthSettings, providers: HealthProviders): HealthRegistration {
	const out: HealthRegistration = { registered: [], missing: [] };
	// an index loop and the providers themselves as number collectors: few slots on XS
	for (let i = 0; i < METRICS.length; i++) {
		const metric = METRICS[i];
		if (!settings[metric[0]]) continue;
		const name = metric[1];
		const provider = providers[metric[2]];
		if (provider === undefined) out.missing.push(name);
		else {
			if (metric[2] === "resetReason") sink.addStringList(name, () => [text(name, provider())]);
			else sink.addNumber(name, provider as () => number);
			out.registered.push(name);
		}
	}
	return out;
}

function text(name: string, value: unknown): string {
	if (typeof value !== "string" || value === "") throw new HealthError(name, value);
	return value;
}

/** Store key of the boot counter (NVS keys are at most 15 characters). */
export const BOOTS_KEY = "boots";

/**
 * Counts this boot in `store` and returns the new count (1 on the first boot). A stored value that
 * is not a non-negative integer restarts the count at 1, with a log line; a store that throws on
 * write is logged and this boot still counted in memory.
 */
export function countBoot(store: Store, log: Log): number {
	const stored = store.get(BOOTS_KEY);
	let before = 0;
	if (typeof stored === "number" && Number.isInteger(stored) && stored >= 0) before = stored;
	else if (stored !== undefined) log(`health: stored boot count ${JSON.stringify(stored)} is not a count; starting again at 1`);
	const count = before + 1;
	try {
		store.set(BOOTS_KEY, count);
	} catch (error) {
		log(`health: boot count not saved: ${error instanceof Error ? error.message : String(error)}`);
	}
	return count;
}
