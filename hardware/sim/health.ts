/*
 * health (simulator) — the specifier hardware/platform/health on lin/mac/win: Moddable's common
 * providers (hardware/moddable/health); the simulator has no reset reason.
 */
import { moddableHealth } from "../moddable/health";
import type { HealthProviders } from "../../modules/health/health";
import type { Log, Store } from "../../modules/platform/platform";

export function platformHealth(store: Store, log: Log, countBoots: boolean): HealthProviders {
	return moddableHealth(store, log, countBoots);
}
