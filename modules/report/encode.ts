/*
 * encode — validate, size with a counting pass of the one walk, then write with a second pass.
 * Shared by report.ts (all formats) and cbor-report.ts (the CBOR-only entry).
 */
import { ReportError } from "./errors";
import type { KeyStyle } from "./keys";
import { listCap, validateReport } from "./model";
import type { EncodeOptions, ReportModel } from "./model";
import { walkReport } from "./walk";
import type { ByteSink, Writer } from "./writer";

export type SinkWriter = ByteSink & Writer;

/** Validates `model` and returns its encoded size; `writer` is left after its counting pass. */
export function sizeWith(writer: SinkWriter, style: KeyStyle, model: ReportModel, options: EncodeOptions | undefined): number {
	const cap = listCap(options);
	validateReport(model, cap);
	writer.begin();
	walkReport(model, writer, style, cap);
	return writer.pos;
}

/** Encodes into `out` at `offset` (or a new exact buffer) and returns the bytes and the end offset. */
export function encodeWith(writer: SinkWriter, style: KeyStyle, model: ReportModel, options: EncodeOptions | undefined, out?: Uint8Array, offset = 0): { bytes: Uint8Array; end: number } {
	const size = sizeWith(writer, style, model, options);
	const bytes = out ?? new Uint8Array(size);
	if (!Number.isInteger(offset) || offset < 0 || offset + size > bytes.length) {
		throw new ReportError("BufferTooSmall", `report needs ${size} bytes at offset ${offset}, buffer has ${bytes.length}`);
	}
	writer.begin(bytes, offset);
	walkReport(model, writer, style, listCap(options));
	return { bytes, end: writer.pos };
}
