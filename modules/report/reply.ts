/*
 * reply — parses the broker's answer on .../accepted or .../rejected (defender.md §2.2): JSON for the
 * json formats, CBOR for cbor. `statusDetails.ErrorCode/ErrorMessage` become errorCode/errorMessage.
 */
import { utf8Decode } from "../bytes/utf8";
import { decodeCbor } from "./cbor-decode";
import { ReportError } from "./errors";
import { checkFormat } from "./topics";
import type { ReportFormat } from "./topics";

export interface Reply {
	status: "ACCEPTED" | "REJECTED";
	reportId?: number;
	thingName?: string;
	errorCode?: string;
	errorMessage?: string;
	timestamp?: number;
}

type Fields = { [key: string]: unknown };

/** Throws ReportError("BadReply") when the payload is not a well-formed reply. */
export function parseReply(payload: Uint8Array, format: ReportFormat): Reply {
	checkFormat(format);
	const doc = format === "cbor" ? decodeCbor(payload) : parseJson(payload);
	if (typeof doc !== "object" || doc === null || Array.isArray(doc) || doc instanceof Uint8Array) bad("reply is not an object");
	const fields = doc as Fields;
	const status = fields.status;
	if (status !== "ACCEPTED" && status !== "REJECTED") bad(`status must be ACCEPTED or REJECTED, got ${String(status)}`);
	const reply: Reply = { status };
	copyNumber(fields, "reportId", reply);
	copyNumber(fields, "timestamp", reply);
	if (fields.thingName !== undefined) reply.thingName = stringField(fields.thingName, "thingName");
	const details = fields.statusDetails;
	if (details !== undefined) {
		if (typeof details !== "object" || details === null) bad("statusDetails is not an object");
		const d = details as Fields;
		if (d.ErrorCode !== undefined) reply.errorCode = stringField(d.ErrorCode, "ErrorCode");
		if (d.ErrorMessage !== undefined) reply.errorMessage = stringField(d.ErrorMessage, "ErrorMessage");
	}
	return reply;
}

function parseJson(payload: Uint8Array): unknown {
	const text = utf8Decode(payload);
	if (text === undefined) bad("reply is not UTF-8");
	try {
		return JSON.parse(text);
	} catch {
		return bad("reply is not JSON");
	}
}

function copyNumber(fields: Fields, name: "reportId" | "timestamp", reply: Reply): void {
	const v = fields[name];
	if (v === undefined) return;
	if (typeof v !== "number" || !Number.isFinite(v)) bad(`${name} is not a number`);
	reply[name] = v;
}

function stringField(value: unknown, name: string): string {
	return typeof value === "string" ? value : bad(`${name} is not a string`);
}

function bad(why: string): never {
	throw new ReportError("BadReply", why);
}
