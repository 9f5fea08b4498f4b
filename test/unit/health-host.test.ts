import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ArgsError, parseArgs } from "../../hardware/host/args";
import { hostHealth } from "../../hardware/host/health";
import { FileStore } from "../../hardware/host/store";
import { HEALTH_KEYS, parseHealth } from "../../modules/config/health";
import { ConfigError } from "../../modules/config/config";
import { MemoryStore } from "../helpers/agent-fakes";

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("host health providers", () => {
	it("free heap is V8's heap total - used, its low-water mark the lowest read so far, uptime whole seconds", () => {
		const used = [100, 400, 250];
		let uptime = 12.9;
		const p = hostHealth(new MemoryStore(), () => {}, true, { memory: () => ({ heapTotal: 1000, heapUsed: used.shift() ?? 0 }), uptime: () => uptime });
		expect(p.freeHeap?.()).toBe(900);
		expect(p.minFreeHeap?.()).toBe(600);
		expect(p.freeHeap?.()).toBe(750);
		expect(p.minFreeHeap?.()).toBe(600);
		expect(p.uptimeSeconds?.()).toBe(12);
		uptime = 61.2;
		expect(p.uptimeSeconds?.()).toBe(61);
	});

	it("the real sources give plausible numbers; the host has no XS heaps, RSSI or reset reason", () => {
		const p = hostHealth(new MemoryStore(), () => {}, true);
		expect(p.freeHeap?.()).toBeGreaterThan(0);
		expect(p.uptimeSeconds?.()).toBeGreaterThanOrEqual(0);
		expect(p.xsSlotBytes).toBeUndefined();
		expect(p.rssi).toBeUndefined();
		expect(p.resetReason).toBeUndefined();
	});

	it("the reboot count comes from the file store and grows by one per start", () => {
		const dir = mkdtempSync(join(tmpdir(), "health-"));
		dirs.push(dir);
		const path = join(dir, "device.json");
		expect(hostHealth(new FileStore(path), () => {}, true).reboots?.()).toBe(1);
		expect(hostHealth(new FileStore(path), () => {}, true).reboots?.()).toBe(2);
		const third = hostHealth(new FileStore(path), () => {}, true);
		expect(third.reboots?.()).toBe(3);
		expect(third.reboots?.()).toBe(3);
	});

	it("without the reboots metric nothing is written to the store and there is no reboots provider", () => {
		const store = new MemoryStore();
		const p = hostHealth(store, () => {}, false);
		expect(p.reboots).toBeUndefined();
		expect(store.writes).toBe(0);
		expect(p.freeHeap?.()).toBeGreaterThan(0);
	});
});

describe("health config flags", () => {
	it("are all off by default and in the top manifest's config", () => {
		expect(parseHealth({})).toEqual({ heap: false, xsHeap: false, rssi: false, uptime: false, reboots: false });
		const top = JSON.parse(readFileSync(join(__dirname, "../../manifest.json"), "utf8"));
		for (const key of Object.values(HEALTH_KEYS)) expect(top.config[key]).toBe("off");
		expect(parseHealth(top.config)).toEqual(parseHealth({}));
	});

	it("read on/off, true/false, 1/0 like the other flags, one key per group", () => {
		expect(parseHealth({ healthHeap: "on", healthXsHeap: true, healthRssi: "1", healthUptime: "off", healthReboots: 1 })).toEqual({ heap: true, xsHeap: true, rssi: true, uptime: false, reboots: true });
	});

	it("a bad value is a ConfigError naming the key", () => {
		expect(() => parseHealth({ healthRssi: "maybe" })).toThrow(ConfigError);
		expect(() => parseHealth({ healthRssi: "maybe" })).toThrow('BadSetting: config "healthRssi" is "maybe": expected on/off, true/false or 1/0');
	});
});

describe("npm run device -- --health", () => {
	const base = ["--thing", "T", "--host", "h", "--port", "8883", "--ca", "a", "--cert", "c", "--key", "k"];

	it("switches on the groups listed; none without it", () => {
		expect(parseArgs(base).health).toBeUndefined();
		expect(parseArgs([...base, "--health", "heap,uptime, reboots"]).health).toEqual({ heap: true, uptime: true, reboots: true });
	});

	it("an unknown group is an ArgsError naming the groups", () => {
		expect(() => parseArgs([...base, "--health", "heap,cpu"])).toThrow(ArgsError);
		expect(() => parseArgs([...base, "--health", "heap,cpu"])).toThrow(/--health takes a comma-separated list of heap, xsHeap, rssi, uptime, reboots, got "cpu"/);
	});
});
