/*
 * agent-setup — builds a DefenderAgent on fakes (virtual clock, fake MQTT and driver, memory store,
 * the real sampler) and reads what it published: decoded reports and hand-made replies in any of
 * the three formats.
 */
import { decode as cborDecode, encode as cborEncode } from "cborg";
import { DefenderAgent } from "../../modules/defender/defender";
import type { AgentConfig } from "../../modules/defender/defender";
import type { ReportFormat } from "../../modules/report/report";
import { Sampler } from "../../modules/sampler/sampler";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { FakeDriver, FakeMqtt, MemoryStore } from "./agent-fakes";

export interface Decoded {
	id: number;
	bytesIn: number;
	bytesOut: number;
	packetsIn: number;
	packetsOut: number;
	doc: Record<string, any>;
}

/** Decodes a published report of any format into its id and network stats (long or short keys). */
export function decodeReport(payload: Uint8Array, format: ReportFormat): Decoded {
	const doc = (format === "cbor" ? cborDecode(payload) : JSON.parse(new TextDecoder().decode(payload))) as Record<string, any>;
	const header = doc.header ?? doc.hed;
	const metrics = doc.metrics ?? doc.met ?? {};
	const ns = metrics.network_stats ?? metrics.ns ?? {};
	return {
		id: header.report_id ?? header.rid,
		bytesIn: ns.bytes_in ?? ns.bi ?? 0,
		bytesOut: ns.bytes_out ?? ns.bo ?? 0,
		packetsIn: ns.packets_in ?? ns.pi ?? 0,
		packetsOut: ns.packets_out ?? ns.po ?? 0,
		doc,
	};
}

/** A reply the cloud would send for `reportId` (omit it with undefined). */
export function replyPayload(format: ReportFormat, status: "ACCEPTED" | "REJECTED", reportId: number | undefined, errorCode?: string): Uint8Array {
	const reply: Record<string, unknown> = { thingName: "T1", status, timestamp: 1 };
	if (reportId !== undefined) reply.reportId = reportId;
	if (errorCode !== undefined) reply.statusDetails = { ErrorCode: errorCode, ErrorMessage: `${errorCode} message` };
	return format === "cbor" ? cborEncode(reply) : new TextEncoder().encode(JSON.stringify(reply));
}

export interface Rig {
	agent: DefenderAgent;
	clock: VirtualClock;
	mqtt: FakeMqtt;
	driver: FakeDriver;
	sampler: Sampler;
	store: MemoryStore;
	logs: string[];
	format: ReportFormat;
	/** Reports published so far, decoded. */
	reports(): Decoded[];
	/** The last report published, decoded. */
	last(): Decoded;
	/** Delivers a reply as the MQTT client would and lets the deferred handler run. */
	reply(status: "ACCEPTED" | "REJECTED", reportId: number | undefined, errorCode?: string): void;
}

export function rig(config: Partial<AgentConfig> = {}, reuse: { store?: MemoryStore; clock?: VirtualClock; counterBits?: number } = {}): Rig {
	const clock = reuse.clock ?? new VirtualClock();
	const mqtt = new FakeMqtt();
	const driver = new FakeDriver();
	driver.counterBits = reuse.counterBits ?? driver.counterBits;
	const sampler = new Sampler({ driver });
	const store = reuse.store ?? new MemoryStore();
	const logs: string[] = [];
	// long keys unless a test asks otherwise: the decoded documents read like the spec's tables
	const format = config.format ?? "json";
	const agent = new DefenderAgent({ mqtt, sampler, driver, clock, store, log: (s) => logs.push(s) }, { thingName: "T1", format, ...config });
	const reports = () => mqtt.published.filter((p) => p.topic === agent.topic).map((p) => decodeReport(p.payload, format));
	return {
		agent, clock, mqtt, driver, sampler, store, logs, format, reports,
		last: () => reports()[reports().length - 1],
		reply(status, reportId, errorCode) {
			const topic = status === "ACCEPTED" ? agent.acceptedTopic : agent.rejectedTopic;
			agent.onMessage(topic, replyPayload(format, status, reportId, errorCode));
			clock.advance(0);
		},
	};
}
