/*
 * topics — the Device Defender reserved topics (defender.md §2.1) and thing-name validation.
 */
import { utf8Length } from "../bytes/utf8";
import { ReportError } from "./errors";

export type ReportFormat = "json" | "json-short" | "cbor";

const MAX_THING_NAME_BYTES = 128;

/** Throws BadFormat unless `format` is one of the three report formats. */
export function checkFormat(format: ReportFormat): void {
	if (format !== "json" && format !== "json-short" && format !== "cbor") throw new ReportError("BadFormat", `report format must be "json", "json-short" or "cbor", got ${String(format)}`);
}

/** Thing name: 1..128 bytes of UTF-8, no control characters, no MQTT topic separators or wildcards. */
export function checkThingName(thingName: string): void {
	if (typeof thingName !== "string" || thingName.length === 0 || utf8Length(thingName) > MAX_THING_NAME_BYTES) {
		throw new ReportError("BadThingName", `thing name must be 1..${MAX_THING_NAME_BYTES} bytes of UTF-8`);
	}
	for (let i = 0; i < thingName.length; i++) {
		const c = thingName.charCodeAt(i);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2f || c === 0x2b || c === 0x23) {
			throw new ReportError("BadThingName", `thing name ${JSON.stringify(thingName)} has a control character or one of / + #`);
		}
	}
}

/** `$aws/things/<thing>/defender/metrics/json` (json and json-short) or `.../cbor`. */
export function reportTopic(thingName: string, format: ReportFormat): string {
	checkThingName(thingName);
	checkFormat(format);
	return `$aws/things/${thingName}/defender/metrics/${format === "cbor" ? "cbor" : "json"}`;
}

export function replyTopics(thingName: string, format: ReportFormat): { accepted: string; rejected: string } {
	const topic = reportTopic(thingName, format);
	return { accepted: `${topic}/accepted`, rejected: `${topic}/rejected` };
}
