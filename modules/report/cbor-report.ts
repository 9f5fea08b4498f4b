/*
 * cbor-report — the CBOR-only entry: a firmware that reports in CBOR imports this and carries
 * neither the JSON writer, the walk nor reply parsing. Validates the model (model.ts), then writes it
 * with the compact writer (cbor-small.ts): the same bytes as the walk + CborWriter.
 */
import { writeCbor } from "./cbor-small";
import { byteCap, fitReport, listCap, validateReport } from "./model";
import type { EncodeOptions, ReportModel } from "./model";

/** The validated model's CBOR (short keys) as a view of the writer's reusable buffer, valid until the next call. */
export function cborReportView(model: ReportModel, options?: EncodeOptions): Uint8Array {
	const cap = listCap(options);
	const max = byteCap(options);
	validateReport(model, cap);
	return fitReport(model, cap, max, (cut) => writeCbor(model, cut));
}

/** CBOR (short keys) of a validated model, in a new buffer of exactly its size. */
export function encodeCborReport(model: ReportModel, options?: EncodeOptions): Uint8Array {
	return cborReportView(model, options).slice();
}
