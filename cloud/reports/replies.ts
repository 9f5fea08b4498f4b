/*
 * replies — the accepted/rejected reply documents (spec §2.2) and their encoding: JSON for JSON reports,
 * CBOR maps with the same field names for CBOR reports.
 */
import { FORMATS, type ReportFormat } from "./formats";
import { replyTopic } from "./topics";

export const RejectCodes = {
	InvalidPayload: "InvalidPayload",
	Throttled: "Throttled",
} as const;

export type RejectCode = (typeof RejectCodes)[keyof typeof RejectCodes];

export interface ReplyBody {
	thingName: string;
	reportId?: number;
	status: "ACCEPTED" | "REJECTED";
	statusDetails?: { ErrorCode: RejectCode; ErrorMessage: string };
	timestamp: number;
}

export interface Reply {
	topic: string;
	format: ReportFormat;
	body: ReplyBody;
	payload: Buffer;
}

function encodeBody(body: ReplyBody, format: ReportFormat): Buffer {
	return FORMATS[format].encode(body);
}

export function accepted(thingName: string, format: ReportFormat, reportId: number, now: number): Reply {
	const body: ReplyBody = { thingName, reportId, status: "ACCEPTED", timestamp: now };
	return { topic: replyTopic(thingName, format, "accepted"), format, body, payload: encodeBody(body, format) };
}

export function rejected(thingName: string, format: ReportFormat, reportId: number | undefined, code: RejectCode, message: string, now: number): Reply {
	const body: ReplyBody = { thingName, ...(reportId === undefined ? {} : { reportId }), status: "REJECTED", statusDetails: { ErrorCode: code, ErrorMessage: message }, timestamp: now };
	return { topic: replyTopic(thingName, format, "rejected"), format, body, payload: encodeBody(body, format) };
}
