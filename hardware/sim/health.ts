/*
 * health (simulator) — the specifier hardware/platform/health on lin/mac/win: Moddable's common
 * providers (hardware/moddable/health) with two corrections measured in the Linux simulator
 * (SDK 8.2.3, 2026-12-04):
 *   - it has no "System Free Memory" instrument (its counter read 0), so heap_free and
 *     heap_min_free are not measurable here (registered as missing, never reported as 0);
 *   - its Time.ticks is the wall clock in milliseconds, not time since start, so uptime counts
 *     from the moment the providers are made (start-up) with Time.delta.
 * The simulator has no reset reason.
 */
import Time from "time";
import { moddableHealth } from "../moddable/health";
import type { HealthProviders } from "../../modules/health/health";
import type { Log, Store } from "../../modules/platform/platform";

export function platformHealth(store: Store, log: Log, countBoots: boolean): HealthProviders {
	const started = Time.ticks;
	return {
		...moddableHealth(store, log, countBoots),
		freeHeap: undefined,
		minFreeHeap: undefined,
		uptimeSeconds: () => Math.floor(Time.delta(started) / 1000),
	};
}
