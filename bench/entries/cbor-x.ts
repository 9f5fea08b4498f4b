/* XS bench entry: cbor-x's encoder (plain maps, no records), fed the prebuilt short-key document. */
import { Encoder } from "cbor-x";

const encoder = new Encoder({ useRecords: false, mapsAsObjects: true });

export function encodeOnce(doc: unknown): Uint8Array {
	return encoder.encode(doc);
}

export function encodeN(doc: unknown, n: number): number {
	let size = 0;
	for (let i = 0; i < n; i++) size = encoder.encode(doc).length;
	return size;
}
