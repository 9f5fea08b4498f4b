/*
 * health (ESP32) — the specifier hardware/platform/health on esp32: Moddable's common providers
 * (hardware/moddable/health) with three from ESP-IDF (health_esp.c):
 *   minFreeHeap    esp_get_minimum_free_heap_size(): the allocator's low-water mark since boot
 *   uptimeSeconds  esp_timer_get_time() / 10^6 (64-bit, does not wrap)
 *   resetReason    esp_reset_reason(), named below
 */
import { moddableHealth } from "../moddable/health";
import type { HealthProviders } from "../../modules/health/health";
import type { Log, Store } from "../../modules/platform/platform";

const minFreeHeap = native("xs_health_min_free_heap") as () => number;
const uptimeSeconds = native("xs_health_uptime") as () => number;
const resetReason = native("xs_health_reset_reason") as () => number;

/** esp_reset_reason_t of ESP-IDF v6.0 (esp_system.h), in enum order. */
export const RESET_REASONS: readonly string[] = Object.freeze(["unknown", "power-on", "external", "software", "panic", "interrupt-wdt", "task-wdt", "other-wdt", "deep-sleep", "brownout", "sdio", "usb", "jtag", "efuse", "power-glitch", "cpu-lockup"]);

export function resetReasonName(code: number): string {
	return RESET_REASONS[code] ?? `code-${code}`;
}

/** A module function, not a closure per call: it stays in flash (no live slots). */
function resetReasonText(): string {
	return resetReasonName(resetReason());
}

export function platformHealth(store: Store, log: Log, countBoots: boolean): HealthProviders {
	return {
		...moddableHealth(store, log, countBoots),
		minFreeHeap,
		uptimeSeconds,
		resetReason: resetReasonText,
	};
}
