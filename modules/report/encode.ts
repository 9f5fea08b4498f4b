/*
 * encode — validate, then run the one walk into the writer's reusable buffer. When the buffer was
 * too small the pass still counted the exact size: the buffer grows to it and the walk runs again
 * (once). Callers copy the bytes out, so the buffer is reused by the next report.
 */
import { ReportError } from "./errors";
import type { KeyStyle } from "./keys";
import { listCap, validateReport } from "./model";
import type { EncodeOptions, ReportModel } from "./model";
import { walkReport } from "./walk";
import type { ByteSink, Writer } from "./writer";

export type SinkWriter = ByteSink & Writer;

/** Validates `model`, writes it into `writer.bytes[0..size)` and returns the size. */
export function encodeWith(writer: SinkWriter, style: KeyStyle, model: ReportModel, options: EncodeOptions | undefined): number {
	const cap = listCap(options);
	validateReport(model, cap);
	writer.begin();
	walkReport(model, writer, style, cap);
	if (writer.pos > writer.bytes.length) {
		writer.bytes = new Uint8Array(writer.pos);
		writer.begin();
		walkReport(model, writer, style, cap);
	}
	return writer.pos;
}

/** A new buffer holding exactly the encoded report. */
export function encodeToNew(writer: SinkWriter, style: KeyStyle, model: ReportModel, options: EncodeOptions | undefined): Uint8Array {
	const size = encodeWith(writer, style, model, options);
	return writer.bytes.slice(0, size);
}

/** Copies the encoded report into `out` at `offset`, writing nothing when it does not fit; returns the end offset. */
export function encodeInto(writer: SinkWriter, style: KeyStyle, model: ReportModel, options: EncodeOptions | undefined, out: Uint8Array, offset: number): number {
	const size = encodeWith(writer, style, model, options);
	if (!Number.isInteger(offset) || offset < 0 || offset + size > out.length) {
		throw new ReportError("BufferTooSmall", `report needs ${size} bytes at offset ${offset}, buffer has ${out.length}`);
	}
	out.set(writer.bytes.subarray(0, size), offset);
	return offset + size;
}
