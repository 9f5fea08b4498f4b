/*
 * health-entry — the agent with every built-in health metric on (modules/health, fixed providers in
 * plain JS) on XS: the reports for parity with Node, and a long-lived agent whose live slots the
 * footprint test measures against the agent's budget.
 */
import { countBoot, registerHealth } from "../../../modules/health/health";
import type { HealthProviders, HealthRegistration } from "../../../modules/health/health";
import { DefenderAgent } from "../../../modules/defender/defender";
import { buildFakes, interval } from "../../helpers/agent-scenario";
import type { Fakes, Rigged } from "../../helpers/agent-scenario";
import type { ReportFormat } from "../../../modules/report/report";

const ALL_ON = { heap: true, xsHeap: true, rssi: true, uptime: true, reboots: true };

/** The agent as the device builds it, with the health metrics as its only custom metrics. */
function buildHealthAgent(format: ReportFormat, f: Fakes): Rigged {
	const agent = new DefenderAgent(f, { thingName: "XS1", format });
	registerHealth(agent, ALL_ON, providers(f));
	agent.start();
	return { agent, clock: f.clock, mqtt: f.mqtt, driver: f.driver };
}

let kept: Rigged | undefined;
let fakes: Fakes | undefined;

/** Providers as a platform would pass them: counters that move, the boot count from the store. */
export function providers(f: Fakes): HealthProviders {
	let heap = 150_000;
	let low = heap;
	const reboots = countBoot(f.store, () => {});
	return {
		freeHeap: () => {
			heap -= 100;
			if (heap < low) low = heap;
			return heap;
		},
		minFreeHeap: () => low,
		xsSlotBytes: () => 21_000,
		xsChunkBytes: () => 17_500,
		rssi: () => -58,
		uptimeSeconds: () => Math.floor(f.clock.ticks() / 1000),
		reboots: () => reboots,
		resetReason: () => "power-on",
	};
}

/** The hex payloads of `reports` intervals of an agent with every health metric on. */
export function healthScenario(format: ReportFormat, reports: number): { registration: HealthRegistration; payloads: string[] } {
	const f = buildFakes();
	const r = buildHealthAgent(format, f);
	const registration = registerHealth({ addNumber() {}, addStringList() {} }, ALL_ON, providers(f));
	for (let i = 0; i < reports; i++) interval(r, "ACCEPTED");
	return { registration, payloads: r.mqtt.published.map((p) => `${p.topic} ${hex(p.payload)}`) };
}

function hex(bytes: Uint8Array): string {
	let s = "";
	for (const b of bytes) s += (b < 16 ? "0" : "") + b.toString(16);
	return s;
}

export function keepFakes(): void {
	fakes = buildFakes();
	fakes.mqtt.keep = false;
}

/** Builds the agent on the kept fakes with every health metric registered. */
export function keepAgent(format: ReportFormat): number {
	kept = buildHealthAgent(format, fakes as Fakes);
	return kept.agent.status.accepted;
}

export function more(reports: number): number {
	for (let i = 0; i < reports; i++) interval(kept as Rigged, "ACCEPTED");
	return (kept as Rigged).agent.status.accepted;
}

