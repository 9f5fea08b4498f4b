/*
 * errors — the closed set of report error codes and the ReportError class that carries one.
 */

export type ReportErrorCode =
	| "BadModel"
	| "BadReportId"
	| "BadPort"
	| "BadInterface"
	| "BadRemoteAddr"
	| "BadNetworkStats"
	| "NotFinite"
	| "BadMetricName"
	| "BadMetricValue"
	| "BadIp"
	| "ListTooLong"
	| "BadOption"
	| "BadFormat"
	| "BadThingName"
	| "BufferTooSmall"
	| "BadReply"
	| "BadText"
	| "TooLarge";

export class ReportError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "ReportError";
	readonly code: ReportErrorCode;
	constructor(code: ReportErrorCode, message: string) {
		super(`${code}: ${message}`);
		this.code = code;
	}
}
