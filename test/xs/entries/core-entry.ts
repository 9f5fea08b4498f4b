/*
 * core-entry — the core modules' XS entry: each export is callable from Node through
 * test/xs/xs-harness.ts (`xs.call(name, ...args)`). Used by the report and sampler parity tests.
 */
import { encodeReport, parseReply, replyTopics, reportTopic } from "../../../modules/report/report";
import type { ReportFormat, ReportModel } from "../../../modules/report/report";
import { reportFixtures } from "../../fixtures/reports";
import { traceSamplerScript } from "../../fixtures/scripted-driver";
import type { SamplerStep } from "../../fixtures/scripted-driver";

export function noop(): void {}

export function encode(model: ReportModel, format: ReportFormat, maxListSize?: number, maxBytes?: number): Uint8Array {
	return encodeReport(model, format, { maxListSize, maxBytes });
}

/** Every fixture (bundled into XS, not sent from Node) in json, json-short and cbor. */
export function encodeFixtures(): Uint8Array[][] {
	return reportFixtures.map((f) => [encodeReport(f.model, "json", { maxListSize: f.maxListSize }), encodeReport(f.model, "json-short", { maxListSize: f.maxListSize }), encodeReport(f.model, "cbor", { maxListSize: f.maxListSize })]);
}

export function reply(payload: Uint8Array, format: ReportFormat): unknown {
	return parseReply(payload, format);
}

export function topics(thingName: string, format: ReportFormat): string[] {
	const r = replyTopics(thingName, format);
	return [reportTopic(thingName, format), r.accepted, r.rejected];
}

export function samplerTrace(capacity: number, script?: SamplerStep[]): number[][] {
	return traceSamplerScript(capacity, script);
}
