/*
 * topics — the reserved Device Defender topics (spec §2.1): build them and match an incoming topic to its
 * kind and thing name, like Defender_MatchTopic in the AWS embedded library.
 */
import type { ReportFormat } from "./decode";

export type ReplyKind = "accepted" | "rejected";

const PREFIX = "$aws/things/";
const BRIDGE = "/defender/metrics/";

export function reportTopic(thing: string, format: ReportFormat): string {
	return `${PREFIX}${thing}${BRIDGE}${format}`;
}

export function replyTopic(thing: string, format: ReportFormat, kind: ReplyKind): string {
	return `${reportTopic(thing, format)}/${kind}`;
}

/** The thing and format of a report publish topic, or undefined for any other topic. */
export function matchReportTopic(topic: string): { thing: string; format: ReportFormat } | undefined {
	if (!topic.startsWith(PREFIX)) return undefined;
	const slash = topic.indexOf("/", PREFIX.length);
	if (slash <= PREFIX.length) return undefined;
	const tail = topic.slice(slash);
	if (tail !== `${BRIDGE}json` && tail !== `${BRIDGE}cbor`) return undefined;
	return { thing: topic.slice(PREFIX.length, slash), format: tail.endsWith("json") ? "json" : "cbor" };
}
