/*
 * config/health — which built-in health metric groups (modules/health) are on. One flag per group,
 * off by default, read like the other flags (manifest.json "config" or mcconfig healthHeap=on):
 *   healthHeap healthXsHeap healthRssi healthUptime healthReboots
 */
import type { HealthGroup, HealthSettings } from "../health/health";
import { ConfigError } from "./config";

export const HEALTH_KEYS: Readonly<Record<HealthGroup, string>> = Object.freeze({
	heap: "healthHeap",
	xsHeap: "healthXsHeap",
	rssi: "healthRssi",
	uptime: "healthUptime",
	reboots: "healthReboots",
});

export function parseHealth(raw: Readonly<Record<string, unknown>>): HealthSettings {
	return {
		heap: flag(raw, HEALTH_KEYS.heap),
		xsHeap: flag(raw, HEALTH_KEYS.xsHeap),
		rssi: flag(raw, HEALTH_KEYS.rssi),
		uptime: flag(raw, HEALTH_KEYS.uptime),
		reboots: flag(raw, HEALTH_KEYS.reboots),
	};
}

function flag(raw: Readonly<Record<string, unknown>>, key: string): boolean {
	const value = raw[key];
	if (value === undefined || value === null || value === "") return false;
	if (value === true || value === 1 || value === "on" || value === "true" || value === "1") return true;
	if (value === false || value === 0 || value === "off" || value === "false" || value === "0") return false;
	throw new ConfigError("BadSetting", key, `is ${JSON.stringify(value)}: expected on/off, true/false or 1/0`);
}
