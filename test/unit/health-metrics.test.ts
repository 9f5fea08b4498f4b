import { describe, expect, it } from "vitest";
import { BOOTS_KEY, countBoot, HEALTH_GROUPS, registerHealth } from "../../modules/health/health";
import type { HealthGroup, HealthProviders, HealthSettings } from "../../modules/health/health";
import { MemoryStore } from "../helpers/agent-fakes";
import { rig } from "../helpers/agent-setup";

const INTERVAL = 300_000;
const ALL_ON: HealthSettings = { heap: true, xsHeap: true, rssi: true, uptime: true, reboots: true };
const ALL_OFF: HealthSettings = { heap: false, xsHeap: false, rssi: false, uptime: false, reboots: false };

const PROVIDERS: HealthProviders = {
	freeHeap: () => 120_000,
	minFreeHeap: () => 90_000,
	xsSlotBytes: () => 20_000,
	xsChunkBytes: () => 15_000,
	rssi: () => -61,
	uptimeSeconds: () => 3600,
	reboots: () => 4,
	resetReason: () => "brownout",
};

const GROUP_METRICS: Record<HealthGroup, string[]> = {
	heap: ["heap_free", "heap_min_free"],
	xsHeap: ["xs_slot_bytes", "xs_chunk_bytes"],
	rssi: ["wifi_rssi"],
	uptime: ["uptime_s"],
	reboots: ["reboots", "reset_reason"],
};

describe("health metrics through the agent's custom-metric API", () => {
	it("reports every metric of every group switched on, with the providers' values", () => {
		const r = rig();
		const reg = registerHealth(r.agent, ALL_ON, PROVIDERS);
		expect(reg).toEqual({ registered: Object.values(GROUP_METRICS).flat(), missing: [] });
		r.agent.start();
		r.clock.advance(INTERVAL);
		expect(r.last().doc.custom_metrics).toEqual({
			heap_free: [{ number: 120_000 }],
			heap_min_free: [{ number: 90_000 }],
			xs_slot_bytes: [{ number: 20_000 }],
			xs_chunk_bytes: [{ number: 15_000 }],
			wifi_rssi: [{ number: -61 }],
			uptime_s: [{ number: 3600 }],
			reboots: [{ number: 4 }],
			reset_reason: [{ string_list: ["brownout"] }],
		});
	});

	it.each(HEALTH_GROUPS.map((g) => [g]))("the %s flag alone registers exactly its metrics", (group) => {
		const r = rig();
		const reg = registerHealth(r.agent, { ...ALL_OFF, [group]: true }, PROVIDERS);
		expect(reg.registered).toEqual(GROUP_METRICS[group]);
		r.agent.start();
		r.clock.advance(INTERVAL);
		expect(Object.keys(r.last().doc.custom_metrics).sort()).toEqual([...GROUP_METRICS[group]].sort());
	});

	it("all off registers nothing and the report has no custom block", () => {
		const r = rig();
		expect(registerHealth(r.agent, ALL_OFF, PROVIDERS)).toEqual({ registered: [], missing: [] });
		r.agent.start();
		r.clock.advance(INTERVAL);
		expect(r.last().doc).not.toHaveProperty("custom_metrics");
	});

	it("a metric switched on without a provider on this platform is named as missing, not registered", () => {
		const r = rig();
		const reg = registerHealth(r.agent, ALL_ON, { freeHeap: () => 1, uptimeSeconds: () => 2 });
		expect(reg.registered).toEqual(["heap_free", "uptime_s"]);
		expect(reg.missing).toEqual(["heap_min_free", "xs_slot_bytes", "xs_chunk_bytes", "wifi_rssi", "reboots", "reset_reason"]);
	});

	it("a provider with no value (RSSI while not associated, a release build's counters) is omitted, logged and counted", () => {
		const r = rig();
		registerHealth(r.agent, { ...ALL_OFF, rssi: true, heap: true, reboots: true }, { ...PROVIDERS, rssi: () => undefined, minFreeHeap: () => Number.NaN, resetReason: () => "" });
		r.agent.start();
		r.clock.advance(INTERVAL);
		expect(r.last().doc.custom_metrics).toEqual({ heap_free: [{ number: 120_000 }], reboots: [{ number: 4 }] });
		expect(r.agent.status.collectorsFailed).toBe(3);
		const logs = r.logs.join("\n");
		expect(logs).toMatch(/custom metric wifi_rssi omitted: BadMetricValue/);
		expect(logs).toMatch(/custom metric heap_min_free omitted: NotFinite/);
		expect(logs).toMatch(/custom metric reset_reason omitted: Unavailable: reset_reason has no value/);
	});

	it("registering twice is refused by the agent (DuplicateMetric)", () => {
		const r = rig();
		registerHealth(r.agent, { ...ALL_OFF, uptime: true }, PROVIDERS);
		expect(() => registerHealth(r.agent, { ...ALL_OFF, uptime: true }, PROVIDERS)).toThrow(/DuplicateMetric/);
	});
});

describe("countBoot", () => {
	it("counts 1 on the first boot and one more on each later boot, in the store", () => {
		const store = new MemoryStore();
		const logs: string[] = [];
		expect(countBoot(store, (s) => logs.push(s))).toBe(1);
		expect(countBoot(store, (s) => logs.push(s))).toBe(2);
		expect(store.data.get(BOOTS_KEY)).toBe(2);
		expect(logs).toEqual([]);
	});

	it.each([["x"], [-1], [1.5], [true]])("a stored %j is not a count: restarts at 1 with a log line", (bad) => {
		const store = new MemoryStore();
		store.data.set(BOOTS_KEY, bad as string | number | boolean);
		const logs: string[] = [];
		expect(countBoot(store, (s) => logs.push(s))).toBe(1);
		expect(store.data.get(BOOTS_KEY)).toBe(1);
		expect(logs.join("\n")).toMatch(/is not a count; starting again at 1/);
	});

	it("a store that refuses the write is logged and the boot still counted", () => {
		const logs: string[] = [];
		const store = {
			get: () => 6,
			set: () => {
				throw new Error("NVS full");
			},
		};
		expect(countBoot(store, (s) => logs.push(s))).toBe(7);
		expect(logs).toEqual(["health: boot count not saved: NVS full"]);
	});
});
