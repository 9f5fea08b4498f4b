/* XS bench entry: the firmware's CBOR encoder: encodeCborReport (validation + cbor-small, copied out into a new buffer). */
import { encodeCborReport } from "../../modules/report/cbor-report";
import type { ReportModel } from "../../modules/report/report";

export function encodeOnce(model: ReportModel): Uint8Array {
	return encodeCborReport(model);
}

export function encodeN(model: ReportModel, n: number): number {
	let size = 0;
	for (let i = 0; i < n; i++) size = encodeCborReport(model).length;
	return size;
}
