/*
 * agent-entry — the Device Defender agent on XS: the scripted scenario (for parity with Node) and a
 * long-lived agent whose live slots the footprint test measures.
 */
import { buildAgent, buildFakes, interval, scenario } from "../../helpers/agent-scenario";
import type { Fakes, Rigged } from "../../helpers/agent-scenario";
import type { ReportFormat } from "../../../modules/report/report";

export { scenario };

let kept: Rigged | undefined;
let fakes: Fakes | undefined;

export function noop(): void {}

/** Builds the fakes alone (clock, MQTT, driver, sampler, store) and keeps them. */
export function keepFakes(): void {
	fakes = buildFakes();
	fakes.mqtt.keep = false;
}

/** Builds an agent on the kept fakes; `reports` intervals are run with accepted replies. */
export function keepAgent(format: ReportFormat, reports: number): number {
	kept = buildAgent(format, fakes);
	for (let i = 0; i < reports; i++) interval(kept, "ACCEPTED");
	return kept.agent.status.accepted;
}

/** Runs more intervals on the kept agent. */
export function more(reports: number): number {
	for (let i = 0; i < reports; i++) interval(kept as Rigged, "ACCEPTED");
	return (kept as Rigged).agent.status.accepted;
}

export function dropAll(): void {
	kept = undefined;
	fakes = undefined;
}
