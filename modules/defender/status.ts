/*
 * status — what an application can read about the agent: the last report and reply, the
 * connection, and counters of everything that happened. One flat object, updated in place.
 */

export type ReplyState = "NONE" | "ACCEPTED" | "REJECTED" | "TIMEOUT";

export interface AgentStatus {
	connected: boolean;
	/** Id of the last report published, 0 before the first. */
	lastReportId: number;
	/** Outcome of the last report that got an outcome. */
	lastReply: ReplyState;
	/** Report id the last outcome belongs to. */
	lastReplyId: number;
	/** ErrorCode of the last rejection ("" when the last outcome was not a rejection). */
	lastErrorCode: string;
	lastErrorMessage: string;
	/** A published report is waiting for its reply. */
	awaitingReply: boolean;
	sent: number;
	accepted: number;
	rejected: number;
	throttled: number;
	timedOut: number;
	/** Report times that found the client offline: their deltas wait for the next report. */
	skippedOffline: number;
	/** Reports the client refused to queue. */
	publishFailures: number;
	/** Reports that could not be encoded (see the log). */
	encodeFailures: number;
	/** Custom-metric collectors that threw or returned a bad value (the metric was omitted). */
	collectorsFailed: number;
	/** Sampler polls that failed (driver returned a bad counter). */
	pollFailures: number;
	/** Report ids that could not be written to the Store (the report still went out). */
	storeFailures: number;
	/** Replies that could not be parsed, matched no report, or overflowed the queue. */
	badReplies: number;
	/** SUBSCRIBEs the broker refused (SUBACK 0x80): reply topics, rogue mode's topic; see the log. */
	subscribeRefused: number;
	/** The topic filter of the last refused SUBSCRIBE ("" when none was refused). */
	lastRefusedSubscription: string;
	/** Timer or MQTT callback steps that threw (a platform, client or onOutcome fault): logged, never rethrown. */
	faults: number;
}

export function newStatus(): AgentStatus {
	return {
		connected: false, lastReportId: 0, lastReply: "NONE", lastReplyId: 0, lastErrorCode: "", lastErrorMessage: "", awaitingReply: false,
		sent: 0, accepted: 0, rejected: 0, throttled: 0, timedOut: 0, skippedOffline: 0, publishFailures: 0, encodeFailures: 0,
		collectorsFailed: 0, pollFailures: 0, storeFailures: 0, badReplies: 0, subscribeRefused: 0, lastRefusedSubscription: "", faults: 0,
	};
}
