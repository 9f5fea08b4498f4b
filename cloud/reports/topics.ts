/*
 * topics — the reserved Device Defender topics (spec §2.1) as the cloud uses them: the spelling and the
 * match live in modules/facts, shared with the firmware.
 */
import { defenderReplyTopic, defenderTopic, matchDefenderTopic, type ReplyKind, type WireFormat } from "../../modules/facts/facts";

export type { ReplyKind };

export function reportTopic(thing: string, format: WireFormat): string {
	return defenderTopic(thing, format);
}

export function replyTopic(thing: string, format: WireFormat, kind: ReplyKind): string {
	return defenderReplyTopic(thing, format, kind);
}

/** The thing and format of a report publish topic, or undefined for any other topic (or a bad thing name). */
export const matchReportTopic = matchDefenderTopic;
