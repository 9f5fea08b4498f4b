import { beforeEach, describe, expect, it, vi } from "vitest";
import type { HealthProviders } from "../../modules/health/health";
import type { Log, Store } from "../../modules/platform/platform";
import { MemoryStore } from "../helpers/agent-fakes";

// Moddable's modules, as the firmware sees them (types/instrumentation.d.ts, net.d.ts, time.d.ts)
const counters = new Map<string, number>();
const state = { rssi: -60 as number | undefined, ticks: 0, instrumented: true };
vi.mock("instrumentation", () => ({
	default: {
		map: (name: string) => (state.instrumented && counters.has(name) ? [...counters.keys()].indexOf(name) + 1 : undefined),
		get: (index: number) => [...counters.values()][index - 1],
		name: () => undefined,
	},
}));
vi.mock("net", () => ({ default: { get: (p: string) => (p === "RSSI" ? state.rssi : undefined), resolve() {} } }));
vi.mock("time", () => ({
	default: {
		get ticks() {
			return state.ticks;
		},
		set() {},
		delta: (start: number, end?: number) => (end ?? state.ticks) - start,
	},
}));

// imported by a path in a variable: the root tsconfig type-checks tests against Node's "net", not Moddable's
const MODULE = "../../hardware/moddable/health";
const { moddableHealth } = (await import(/* @vite-ignore */ MODULE)) as { moddableHealth: (store: Store, log: Log, countBoots: boolean) => HealthProviders };
const SIM = "../../hardware/sim/health";
const { platformHealth: simHealth } = (await import(/* @vite-ignore */ SIM)) as { platformHealth: (store: Store, log: Log, countBoots: boolean) => HealthProviders };

beforeEach(() => {
	counters.clear();
	counters.set("System Free Memory", 100_000);
	counters.set("XS Slot Heap Used", 20_480);
	counters.set("XS Chunk Heap Used", 12_000);
	state.rssi = -60;
	state.ticks = 0;
	state.instrumented = true;
});

describe("Moddable health providers", () => {
	it("read Instrumentation's counters by name, Net's RSSI and Time.ticks", () => {
		const p = moddableHealth(new MemoryStore(), () => {}, true);
		expect(p.freeHeap?.()).toBe(100_000);
		expect(p.xsSlotBytes?.()).toBe(20_480);
		expect(p.xsChunkBytes?.()).toBe(12_000);
		expect(p.rssi?.()).toBe(-60);
		state.ticks = 125_999;
		expect(p.uptimeSeconds?.()).toBe(125);
		expect(p.resetReason).toBeUndefined();
	});

	it("the low-water mark is the lowest free heap read", () => {
		const p = moddableHealth(new MemoryStore(), () => {}, true);
		expect(p.minFreeHeap?.()).toBe(100_000);
		counters.set("System Free Memory", 70_000);
		expect(p.freeHeap?.()).toBe(70_000);
		counters.set("System Free Memory", 90_000);
		expect(p.minFreeHeap?.()).toBe(70_000);
	});

	it("a release build (no counters) and no association give no value", () => {
		state.instrumented = false;
		state.rssi = undefined;
		const p = moddableHealth(new MemoryStore(), () => {}, true);
		expect(p.freeHeap?.()).toBeUndefined();
		expect(p.minFreeHeap?.()).toBeUndefined();
		expect(p.xsSlotBytes?.()).toBeUndefined();
		expect(p.rssi?.()).toBeUndefined();
	});

	it("counts the boot in the Preference store once per start", () => {
		const store = new MemoryStore();
		expect(moddableHealth(store, () => {}, true).reboots?.()).toBe(1);
		expect(moddableHealth(store, () => {}, true).reboots?.()).toBe(2);
		expect(moddableHealth(store, () => {}, false).reboots).toBeUndefined();
		expect(store.writes).toBe(2);
	});
});

describe("simulator health providers (hardware/sim/health)", () => {
	it("leave out the free heap (no such instrument there) and count uptime from start, not from Time.ticks' origin", () => {
		state.ticks = 1_796_351_600_000; // the Linux simulator's ticks are the wall clock in ms
		const p = simHealth(new MemoryStore(), () => {}, false);
		expect(p.freeHeap).toBeUndefined();
		expect(p.minFreeHeap).toBeUndefined();
		expect(p.xsSlotBytes?.()).toBe(20_480);
		expect(p.uptimeSeconds?.()).toBe(0);
		state.ticks += 125_999;
		expect(p.uptimeSeconds?.()).toBe(125);
	});
});
