/*
 * formats — one handler per reserved report topic kind (…/metrics/json and …/metrics/cbor), in the style of
 * aedes' lib/handlers: how that kind's payload is parsed (strictly: see json-strict, cbor-strict) and how
 * its accepted/rejected replies are encoded (JSON text; CBOR in preferred serialization, cbor-reply).
 */
import { parseCborStrict } from "./cbor-strict";
import { encodeCborReply } from "./cbor-reply";
import { parseJsonStrict } from "./json-strict";
import type { ParsedDoc } from "./parsed";

export type ReportFormat = "json" | "cbor";

export interface FormatHandler {
	/** throws ParseError when the payload is not a well-formed document */
	parse(payload: Uint8Array): ParsedDoc;
	encode(body: object): Buffer;
}

export const FORMATS: Record<ReportFormat, FormatHandler> = {
	json: {
		parse: parseJsonStrict,
		encode: (body) => Buffer.from(JSON.stringify(body)),
	},
	cbor: {
		parse: parseCborStrict,
		encode: encodeCborReply,
	},
};
