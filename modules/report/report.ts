/*
 * report — the public entry of the report module: encode a ReportModel as JSON (long keys), JSON
 * (short keys) or CBOR (short keys); topics; reply parsing. Every encoding is validated first, then
 * written into the writer's buffer and copied out: JSON by one pass of the one walk, CBOR
 * by the compact writer cbor-small.ts (the same bytes as the walk + CborWriter, fewer XS slots).
 */
import { cborReportView } from "./cbor-report";
import { copyInto, encodeWith } from "./encode";
import { JsonWriter } from "./json";
import { LONG, SHORT } from "./keys";
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

/**
 * The validated report's bytes: for CBOR a view of the encoder's reusable buffer, valid until its
 * next report; for JSON a view of a writer made for this report (not kept between reports: a report
 * every few minutes costs one short-lived writer, while a kept one would hold its slots and a buffer
 * of the largest report for good).
 */
function encoded(model: ReportModel, format: ReportFormat, options: EncodeOptions | undefined): Uint8Array {
	checkFormat(format);
	if (format === "cbor") return cborReportView(model, options);
	return encodeWith(new JsonWriter(), format === "json" ? LONG : SHORT, model, options);
}

/** Encoded size in bytes (validates like encodeReport). */
export function reportSize(model: ReportModel, format: ReportFormat, options?: EncodeOptions): number {
	return encoded(model, format, options).length;
}

/** Encodes into a new buffer of exactly the report's size. Throws ReportError on bad input. */
export function encodeReport(model: ReportModel, format: ReportFormat, options?: EncodeOptions): Uint8Array {
	return encoded(model, format, options).slice();
}

/**
 * Encodes into `out` at `offset` and returns the offset after the report. Throws
 * ReportError("BufferTooSmall") before writing anything when it does not fit.
 */
export function encodeReportInto(model: ReportModel, format: ReportFormat, out: Uint8Array, offset: number, options?: EncodeOptions): number {
	return copyInto(encoded(model, format, options), out, offset);
}
