/* XS bench entry: the compact CBOR writer alone (cbor-small.ts writeCbor), on a model already validated; returns the view of its buffer (as cbor-x returns a view of its own). */
import { writeCbor } from "../../modules/report/cbor-small";
import type { ReportModel } from "../../modules/report/report";

export function encodeOnce(model: ReportModel): Uint8Array {
	return writeCbor(model, 50);
}

export function encodeN(model: ReportModel, n: number): number {
	let size = 0;
	for (let i = 0; i < n; i++) size = writeCbor(model, 50).length;
	return size;
}
