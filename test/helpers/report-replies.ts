/*
 * report-replies — the exact reply a ReportCase must get, and decoding of reply payloads with decoders
 * independent of the cloud's (JSON.parse; cborg in strict mode, which refuses non-shortest integers,
 * plus a token walk that proves every number is a CBOR integer, major type 0/1, never a float).
 */
import { decode as cborgDecode, Tokenizer, Type } from "cborg";
import type { ReportCase } from "../fixtures/report-cases";

export function expectedReply(c: ReportCase, thingName: string, timestamp: number): Record<string, unknown> {
	const id = c.reportId === undefined ? {} : { reportId: c.reportId };
	if (c.verdict === "accepted") return { thingName, ...id, status: "ACCEPTED", timestamp };
	return { thingName, ...id, status: "REJECTED", statusDetails: { ErrorCode: "InvalidPayload", ErrorMessage: "Malformed metrics report" }, timestamp };
}

/** The kinds of every token of a CBOR item, e.g. ["map", "string", "uint", …]; throws on non-shortest heads. */
export function cborTokenTypes(bytes: Uint8Array): string[] {
	const t = new Tokenizer(bytes, { strict: true });
	const kinds: string[] = [];
	while (!t.done()) kinds.push(t.next().type.name);
	return kinds;
}

/** Decodes a reply; for CBOR also checks preferred serialization and that no number is a float. */
export function decodeReply(format: "json" | "cbor", payload: Uint8Array): Record<string, unknown> {
	if (format === "json") return JSON.parse(Buffer.from(payload).toString("utf8")) as Record<string, unknown>;
	const kinds = cborTokenTypes(payload);
	if (kinds.includes(Type.float.name)) throw new Error(`CBOR reply has a float: ${kinds.join(",")}`);
	return cborgDecode(payload, { strict: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false }) as Record<string, unknown>;
}
