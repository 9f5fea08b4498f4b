import { describe, expect, it, vi } from "vitest";
import type { HealthProviders } from "../../modules/health/health";
import type { Log, Store } from "../../modules/platform/platform";
import { MemoryStore } from "../helpers/agent-fakes";

// The three host functions of hardware/esp32/health_esp.c, bound through XS's native("…")
const natives: Record<string, () => number> = {
	xs_health_min_free_heap: () => 41_000,
	xs_health_uptime: () => 86_400 * 60,
	xs_health_reset_reason: () => 9,
};
(globalThis as { native?: unknown }).native = (name: string) => () => natives[name]();
vi.mock("instrumentation", () => ({ default: { map: () => undefined, get: () => undefined, name: () => undefined } }));
vi.mock("net", () => ({ default: { get: () => -70, resolve() {} } }));
vi.mock("time", () => ({ default: { ticks: 5, set() {}, delta: () => 0 } }));

// imported by a path in a variable: the root tsconfig type-checks tests against Node's "net", not Moddable's
const MODULE = "../../hardware/esp32/health";
const { platformHealth, resetReasonName, RESET_REASONS } = (await import(/* @vite-ignore */ MODULE)) as {
	platformHealth: (store: Store, log: Log, countBoots: boolean) => HealthProviders;
	resetReasonName: (code: number) => string;
	RESET_REASONS: readonly string[];
};

describe("ESP32 health providers", () => {
	it("take the low-water mark, uptime and reset reason from ESP-IDF, the rest from Moddable's", () => {
		const p = platformHealth(new MemoryStore(), () => {}, true);
		expect(p.minFreeHeap?.()).toBe(41_000);
		expect(p.uptimeSeconds?.()).toBe(5_184_000);
		expect(p.resetReason?.()).toBe("brownout");
		expect(p.rssi?.()).toBe(-70);
		expect(p.reboots?.()).toBe(1);
	});

	it("name every esp_reset_reason_t of ESP-IDF v6.0 and a code past them", () => {
		expect(RESET_REASONS).toHaveLength(16);
		expect(resetReasonName(0)).toBe("unknown");
		expect(resetReasonName(1)).toBe("power-on");
		expect(resetReasonName(4)).toBe("panic");
		expect(resetReasonName(15)).toBe("cpu-lockup");
		expect(resetReasonName(16)).toBe("code-16");
	});
});
