/* XS bench entry: cborg's encoder (maps in insertion order), fed the prebuilt short-key document. */
import { encode } from "cborg";

const options = { mapSorter: undefined } as unknown as Parameters<typeof encode>[1];

export function encodeOnce(doc: unknown): Uint8Array {
	return encode(doc, options);
}

export function encodeN(doc: unknown, n: number): number {
	let size = 0;
	for (let i = 0; i < n; i++) size = encode(doc, options).length;
	return size;
}
