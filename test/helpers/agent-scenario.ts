/*
 * agent-scenario — one scripted agent run on fakes that needs nothing from Node, so the same
 * function runs on Node and (bundled) on XS: reports in all three formats with accepted, Throttled,
 * InvalidPayload and lost replies, a throwing collector and an offline interval. Returns every
 * published payload (hex) and the final status, for parity checks.
 */
import { DefenderAgent } from "../../modules/defender/defender";
import type { ReportFormat } from "../../modules/report/report";
import { Sampler } from "../../modules/sampler/sampler";
import { utf8Encode } from "../../modules/bytes/utf8";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { FakeDriver, FakeMqtt, MemoryStore } from "./agent-fakes";

export interface Rigged {
	agent: DefenderAgent;
	clock: VirtualClock;
	mqtt: FakeMqtt;
	driver: FakeDriver;
}

export interface Fakes {
	clock: VirtualClock;
	mqtt: FakeMqtt;
	driver: FakeDriver;
	sampler: Sampler;
	store: MemoryStore;
}

/** Everything around the agent: clock, MQTT, driver, the sampler and the store. */
export function buildFakes(): Fakes {
	const driver = new FakeDriver();
	return { clock: new VirtualClock(), mqtt: new FakeMqtt(), driver, sampler: new Sampler({ driver }), store: new MemoryStore() };
}

export function buildAgent(format: ReportFormat, fakes = buildFakes()): Rigged {
	const { clock, mqtt, driver } = fakes;
	const agent = new DefenderAgent(fakes, { thingName: "XS1", format });
	agent.addNumber("uptime", () => clock.ticks());
	agent.addStringList("broken", () => {
		throw new Error("no sensor");
	});
	agent.start();
	return { agent, clock, mqtt, driver };
}

/** One report interval: traffic, the report, then the reply `answer` (JSON replies only). */
export function interval(r: Rigged, answer: "ACCEPTED" | "Throttled" | "InvalidPayload" | "none" | "offline"): void {
	r.driver.traffic(1000, 2000, 3, 4);
	r.mqtt.connected = answer !== "offline";
	r.clock.advance(300_000);
	r.mqtt.connected = true;
	const id = r.agent.status.lastReportId;
	if (answer === "none" || answer === "offline") return;
	const body = answer === "ACCEPTED" ? `{"reportId":${id},"status":"ACCEPTED"}` : `{"reportId":${id},"status":"REJECTED","statusDetails":{"ErrorCode":"${answer}"}}`;
	r.agent.onMessage(answer === "ACCEPTED" ? r.agent.acceptedTopic : r.agent.rejectedTopic, utf8Encode(body));
	r.clock.advance(0);
}

function hex(bytes: Uint8Array): string {
	let s = "";
	for (const b of bytes) s += (b < 16 ? "0" : "") + b.toString(16);
	return s;
}

export function scenario(format: ReportFormat): { payloads: string[]; status: unknown } {
	const r = buildAgent(format);
	const answers = ["ACCEPTED", "Throttled", "ACCEPTED", "InvalidPayload", "none", "offline", "ACCEPTED"] as const;
	for (const a of answers) interval(r, a);
	return { payloads: r.mqtt.published.map((p) => `${p.topic} ${hex(p.payload)}`), status: { ...r.agent.status } };
}
