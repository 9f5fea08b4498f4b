/* XS bench entry: the walk-based CBOR encoder as it was (validate + walk + CborWriter, copied out): the "before" row. */
import { CborWriter } from "../../test/fixtures/cbor-reference";
import { encodeWith } from "../../modules/report/encode";
import { SHORT } from "../../modules/report/keys";
import type { ReportModel } from "../../modules/report/report";

const writer = new CborWriter();

export function encodeOnce(model: ReportModel): Uint8Array {
	return encodeWith(writer, SHORT, model, undefined).slice();
}

export function encodeN(model: ReportModel, n: number): number {
	let size = 0;
	for (let i = 0; i < n; i++) size = encodeOnce(model).length;
	return size;
}
