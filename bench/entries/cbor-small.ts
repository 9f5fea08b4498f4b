/* XS bench entry: the compact CBOR writer alone (cbor-small.ts), on a model already validated (no validation). */
import { writeCbor } from "../../modules/report/cbor-small";
import type { ReportModel } from "../../modules/report/report";

export function encodeOnce(model: ReportModel): Uint8Array {
	return writeCbor(model, 50).slice();
}

export function encodeN(model: ReportModel, n: number): number {
	let size = 0;
	for (let i = 0; i < n; i++) size = writeCbor(model, 50).length;
	return size;
}
