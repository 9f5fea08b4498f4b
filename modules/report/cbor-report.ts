/*
 * cbor-report — the CBOR-only entry: a firmware that reports in CBOR imports this and carries
 * neither the JSON writer nor reply parsing. Same validation, walk and bytes as report.ts "cbor".
 */
import { CborWriter } from "./cbor";
import { encodeToNew } from "./encode";
import { SHORT } from "./keys";
import type { EncodeOptions, ReportModel } from "./model";

const writer = new CborWriter();

/** CBOR (short keys) of a validated model, in a new buffer of exactly its size. */
export function encodeCborReport(model: ReportModel, options?: EncodeOptions): Uint8Array {
	return encodeToNew(writer, SHORT, model, options);
}
