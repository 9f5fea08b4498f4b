/*
 * config — the agent's options, their defaults and their checks. AWS throttles devices to one
 * report every 300 s, so a shorter interval is refused unless `allowShortInterval` is set
 * explicitly (local testing against the self-hosted cloud).
 */
import type { ReportFormat } from "../report/report";
import { LIMITS } from "../facts/facts";
import { AgentError } from "./errors";

/** AWS's minimum report period (DEFENDER_REPORT_MIN_PERIOD_SECONDS). */
export const MIN_INTERVAL_SECONDS = 300;

export interface AgentConfig {
	thingName: string;
	/** Default "json-short" (short keys, as AWS's embedded library). */
	format?: ReportFormat;
	/** Seconds between reports, default 300; below 300 only with allowShortInterval. */
	intervalSeconds?: number;
	/** Explicit opt-in for intervals below 300 s (local testing only). */
	allowShortInterval?: boolean;
	/** Seconds to wait for the accepted/rejected reply, default 30; less than the interval. */
	replyTimeoutSeconds?: number;
	/** Seconds between sampler polls, default 10; the sampler is also polled before each report. */
	pollSeconds?: number;
	/** Longest port/connection/custom list written, default the report module's. */
	maxListSize?: number;
	/** Largest report in bytes: set it to the MQTT client's maxPayload. Default and at most LIMITS.maxPayloadBytes (128 KB). */
	maxReportBytes?: number;
}

export interface Settings {
	thingName: string;
	format: ReportFormat;
	intervalMs: number;
	replyTimeoutMs: number;
	pollMs: number;
	maxListSize: number;
	maxReportBytes: number;
}

export function settings(config: AgentConfig, defaultMaxListSize: number): Settings {
	const interval = seconds(config.intervalSeconds, MIN_INTERVAL_SECONDS, "intervalSeconds");
	if (interval < MIN_INTERVAL_SECONDS && config.allowShortInterval !== true) {
		throw new AgentError("IntervalTooShort", `intervalSeconds ${interval} is below AWS's minimum of ${MIN_INTERVAL_SECONDS} s (reports would be Throttled); set allowShortInterval only for local testing`);
	}
	const replyTimeout = seconds(config.replyTimeoutSeconds, 30, "replyTimeoutSeconds");
	if (replyTimeout >= interval) throw new AgentError("BadOption", `replyTimeoutSeconds ${replyTimeout} must be less than intervalSeconds ${interval}`);
	const poll = seconds(config.pollSeconds, 10, "pollSeconds");
	const maxListSize = config.maxListSize ?? defaultMaxListSize;
	if (!Number.isInteger(maxListSize) || maxListSize < 1) throw new AgentError("BadOption", `maxListSize must be a positive integer, got ${maxListSize}`);
	const maxReportBytes = config.maxReportBytes ?? LIMITS.maxPayloadBytes;
	if (!Number.isInteger(maxReportBytes) || maxReportBytes < 256 || maxReportBytes > LIMITS.maxPayloadBytes) throw new AgentError("BadOption", `maxReportBytes must be an integer 256..${LIMITS.maxPayloadBytes}, got ${maxReportBytes}`);
	return {
		thingName: config.thingName,
		format: config.format ?? "json-short",
		intervalMs: Math.round(interval * 1000),
		replyTimeoutMs: Math.round(replyTimeout * 1000),
		pollMs: Math.round(poll * 1000),
		maxListSize,
		maxReportBytes,
	};
}

function seconds(value: number | undefined, fallback: number, name: string): number {
	if (value === undefined) return fallback;
	if (typeof value !== "number" || !Number.isFinite(value) || value < 0.001) throw new AgentError("BadOption", `${name} must be a positive number of seconds, got ${String(value)}`);
	return value;
}
