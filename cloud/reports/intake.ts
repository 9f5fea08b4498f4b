/*
 * intake — what happens to one report published on a reserved topic: decode + validate, drop duplicates,
 * optionally reject report ids lower than the last accepted one, throttle, accept. Pure apart from the
 * per-thing ReportGateState it reads and returns; time is passed in.
 *
 * Our choices where AWS is silent (spec §10 items 3–4):
 * - throttling is per thing, measured from the previous ACCEPTED report; a throttled report does not count;
 * - a report id equal to one already accepted for the thing is a duplicate: discarded with no reply;
 * - a report id lower than the last accepted one is accepted unless `rejectLowerReportIds` is set, then it
 *   is rejected with InvalidPayload "Report id is lower than the previous report id".
 */
import { decodeReport, DecodeError, type DecodedReport, type ReportFormat } from "./decode";
import { accepted, rejected, RejectCodes, type Reply } from "./replies";

export interface ReportGateState {
	lastReportId?: number;
	lastAcceptedAt?: number;
}

export interface IntakeOptions {
	minReportIntervalSeconds: number;
	rejectLowerReportIds: boolean;
}

export type IntakeResult =
	| { kind: "accepted"; reply: Reply; report: DecodedReport; state: ReportGateState }
	| { kind: "rejected"; reply: Reply; detail: string }
	| { kind: "duplicate"; reportId: number };

export const THROTTLED_MESSAGE = "Report was throttled: too soon after the previous accepted report";
export const LOWER_ID_MESSAGE = "Report id is lower than the previous report id";

export function intakeReport(
	thing: string,
	format: ReportFormat,
	payload: Uint8Array,
	state: ReportGateState,
	options: IntakeOptions,
	now: number,
): IntakeResult {
	let report: DecodedReport;
	try {
		report = decodeReport(payload, format);
	} catch (e) {
		const err = e as DecodeError;
		return { kind: "rejected", reply: rejected(thing, format, err.reportId, RejectCodes.InvalidPayload, err.message, now), detail: err.detail };
	}
	const id = report.reportId;
	if (state.lastReportId === id) return { kind: "duplicate", reportId: id };
	if (options.rejectLowerReportIds && state.lastReportId !== undefined && id < state.lastReportId) {
		return { kind: "rejected", reply: rejected(thing, format, id, RejectCodes.InvalidPayload, LOWER_ID_MESSAGE, now), detail: LOWER_ID_MESSAGE };
	}
	if (state.lastAcceptedAt !== undefined && now - state.lastAcceptedAt < options.minReportIntervalSeconds * 1000) {
		return { kind: "rejected", reply: rejected(thing, format, id, RejectCodes.Throttled, THROTTLED_MESSAGE, now), detail: THROTTLED_MESSAGE };
	}
	return { kind: "accepted", reply: accepted(thing, format, id, now), report, state: { lastReportId: id, lastAcceptedAt: now } };
}
