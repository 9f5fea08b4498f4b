/*
 * formats — one handler per reserved report topic kind (…/metrics/json and …/metrics/cbor), in the style of
 * aedes' lib/handlers: how that kind's payload is parsed and how its accepted/rejected replies are encoded.
 */
import { Decoder, encode as cborEncode } from "cbor-x";

export type ReportFormat = "json" | "cbor";

export interface FormatHandler {
	parse(payload: Uint8Array): unknown;
	encode(body: object): Buffer;
}

const cbor = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true });

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
