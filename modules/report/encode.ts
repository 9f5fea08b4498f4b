/*
 * encode — validate, then run the one walk into the writer's reusable buffer (again with shorter
 * port and connection lists while the report is larger than maxBytes, see fitReport). When the buffer was
 * too small the pass still counted the exact size: the buffer grows to it and the walk runs again
 * (once). Callers copy the bytes out, so the buffer is reused by the next report.
 */
import { ReportError } from "./errors";
import type { KeyStyle } from "./keys";
import { byteCap, fitReport, listCap, validateReport } from "./model";
import type { EncodeOptions, ReportModel } from "./model";
import { walkReport } from "./walk";
import type { ByteSink, Writer } from "./writer";

export type SinkWriter = ByteSink & Writer;

/** Validates `model`, writes it into the writer's buffer and returns a view of the bytes, valid until the writer's next report. */
export function encodeWith(writer: SinkWriter, style: KeyStyle, model: ReportModel, options: EncodeOptions | undefined): Uint8Array {
	const cap = listCap(options);
	const max = byteCap(options);
	validateReport(model, cap);
	return fitReport(model, cap, max, (cut) => writeOnce(writer, style, model, cut));
}

function writeOnce(writer: SinkWriter, style: KeyStyle, model: ReportModel, cut: number): Uint8Array {
	writer.begin();
	walkReport(model, writer, style, cut);
	if (writer.pos > writer.bytes.length) {
		writer.bytes = new Uint8Array(writer.pos);
		writer.begin();
		walkReport(model, writer, style, cut);
	}
	return writer.bytes.subarray(0, writer.pos);
}

/** Copies an encoded report into `out` at `offset`, writing nothing when it does not fit; returns the end offset. */
export function copyInto(report: Uint8Array, out: Uint8Array, offset: number): number {
	if (!Number.isInteger(offset) || offset < 0 || offset + report.length > out.length) {
		throw new ReportError("BufferTooSmall", `report needs ${report.length} bytes at offset ${offset}, buffer has ${out.length}`);
	}
	out.set(report, offset);
	return offset + report.length;
}
