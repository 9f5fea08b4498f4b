/*
 * formats — one handler per reserved report topic kind (…/metrics/json and …/metrics/cbor), in the style of
 * aedes' lib/handlers: how that kind's payload is parsed and how its accepted/rejected replies are encoded.
 */
import { Decoder, encode as cborEncode, type Options } from "cbor-x";

export type ReportFormat = "json" | "cbor";

export interface FormatHandler {
	parse(payload: Uint8Array): unknown;
	encode(body: object): Buffer;
}

/** int64AsNumber (a cbor-x option missing from its typings): 64-bit integers decode as numbers, not BigInt */
const cbor = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as Options);

export const FORMATS: Record<ReportFormat, FormatHandler> = {
	json: {
		parse: (payload) => JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8")),
		encode: (body) => Buffer.from(JSON.stringify(body)),
	},
	cbor: {
		parse: (payload) => cbor.decode(payload),
		encode: (body) => Buffer.from(cborEncode(body)),
	},
};
