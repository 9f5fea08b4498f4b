/*
 * report — the public entry of the report module: encode a ReportModel as JSON (long keys), JSON
 * (short keys) or CBOR (short keys); topics; reply parsing. Every encoding is validated first, then
 * written by one pass of the one walk into the writer's reusable buffer and copied out.
 */
import { CborWriter } from "./cbor";
import { encodeInto, encodeToNew, encodeWith } from "./encode";
import type { SinkWriter } from "./encode";
import { JsonWriter } from "./json";
import { LONG, SHORT } from "./keys";
import type { KeyStyle } from "./keys";
import type { EncodeOptions, ReportModel } from "./model";
import { checkFormat } from "./topics";
import type { ReportFormat } from "./topics";

export { ReportError } from "./errors";
export type { ReportErrorCode } from "./errors";
export type { CustomMetricValue, EncodeOptions, ReportModel } from "./model";
export { DEFAULT_MAX_LIST_SIZE } from "./model";
export { reportTopic, replyTopics } from "./topics";
export type { ReportFormat } from "./topics";
export { parseReply } from "./reply";
export type { Reply } from "./reply";

const json = new JsonWriter();
const cbor = new CborWriter();

function writerFor(format: ReportFormat): SinkWriter {
	checkFormat(format);
	return format === "cbor" ? cbor : json;
}

function styleOf(format: ReportFormat): KeyStyle {
	return format === "json" ? LONG : SHORT;
}

/** Encoded size in bytes (validates like encodeReport). */
export function reportSize(model: ReportModel, format: ReportFormat, options?: EncodeOptions): number {
	return encodeWith(writerFor(format), styleOf(format), model, options);
}

/** Encodes into a new buffer of exactly the report's size. Throws ReportError on bad input. */
export function encodeReport(model: ReportModel, format: ReportFormat, options?: EncodeOptions): Uint8Array {
	return encodeToNew(writerFor(format), styleOf(format), model, options);
}

/**
 * Encodes into `out` at `offset` and returns the offset after the report. Throws
 * ReportError("BufferTooSmall") before writing anything when it does not fit.
 */
export function encodeReportInto(model: ReportModel, format: ReportFormat, out: Uint8Array, offset: number, options?: EncodeOptions): number {
	return encodeInto(writerFor(format), styleOf(format), model, options, out, offset);
}
