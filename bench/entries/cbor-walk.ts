/* XS bench entry: the CBOR writer and the walk alone, on a model already validated (no validation). */
import { CborWriter } from "../../test/fixtures/cbor-reference";
import { SHORT } from "../../modules/report/keys";
import type { ReportModel } from "../../modules/report/report";
import { walkReport } from "../../modules/report/walk";

const writer = new CborWriter();

export function encodeOnce(model: ReportModel): Uint8Array {
	writer.begin();
	walkReport(model, writer, SHORT, 50);
	return writer.bytes.slice(0, writer.pos);
}

export function encodeN(model: ReportModel, n: number): number {
	let size = 0;
	for (let i = 0; i < n; i++) size = encodeOnce(model).length;
	return size;
}
