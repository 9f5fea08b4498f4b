/*
 * topics — the Device Defender reserved topics (defender.md §2.1) for a report format; the rule and the
 * topic spelling are modules/facts.
 */
import { defenderReplyTopic, defenderTopic, thingNameProblem } from "../facts/facts";
import { ReportError } from "./errors";

export type ReportFormat = "json" | "json-short" | "cbor";

/** Throws BadFormat unless `format` is one of the three report formats. */
export function checkFormat(format: ReportFormat): void {
	if (format !== "json" && format !== "json-short" && format !== "cbor") throw new ReportError("BadFormat", `report format must be "json", "json-short" or "cbor", got ${String(format)}`);
}

/** Throws BadThingName unless `thingName` follows the one thing-name rule (modules/facts). */
export function checkThingName(thingName: string): void {
	const problem = thingNameProblem(thingName);
	if (problem !== undefined) throw new ReportError("BadThingName", problem);
}

/** `$aws/things/<thing>/defender/metrics/json` (json and json-short) or `.../cbor`. */
export function reportTopic(thingName: string, format: ReportFormat): string {
	checkThingName(thingName);
	checkFormat(format);
	return defenderTopic(thingName, format === "cbor" ? "cbor" : "json");
}

export function replyTopics(thingName: string, format: ReportFormat): { accepted: string; rejected: string } {
	const wire = format === "cbor" ? "cbor" : "json";
	reportTopic(thingName, format);
	return { accepted: defenderReplyTopic(thingName, wire, "accepted"), rejected: defenderReplyTopic(thingName, wire, "rejected") };
}
