/*
 * topic — validation of topic names (PUBLISH) and topic filters (SUBSCRIBE), MQTT 3.1.1 §4.7.
 * Returns the UTF-8 length on success or -BAD_TOPIC, so callers size and validate in one pass.
 */
import { utf8Length } from "../bytes/utf8";
import { BAD_TOPIC } from "./status";
import { MAX_TOPIC_BYTES } from "./packets";

const PLUS = 0x2b;
const HASH = 0x23;
const SLASH = 0x2f;

/** UTF-8 length of a valid topic name (no wildcards), else -BAD_TOPIC. */
export function topicNameLength(topic: string): number {
	if (!wellFormed(topic)) return -BAD_TOPIC;
	for (let i = 0; i < topic.length; i++) {
		const c = topic.charCodeAt(i);
		if (c === PLUS || c === HASH) return -BAD_TOPIC;
	}
	return checkedLength(topic);
}

/** UTF-8 length of a valid topic filter ('+' a whole level, '#' last and a whole level), else -BAD_TOPIC. */
export function topicFilterLength(filter: string): number {
	if (!wellFormed(filter)) return -BAD_TOPIC;
	const last = filter.length - 1;
	for (let i = 0; i <= last; i++) {
		const c = filter.charCodeAt(i);
		if (c !== PLUS && c !== HASH) continue;
		const wholeLevel = (i === 0 || filter.charCodeAt(i - 1) === SLASH) && (i === last || filter.charCodeAt(i + 1) === SLASH);
		if (!wholeLevel || (c === HASH && i !== last)) return -BAD_TOPIC;
	}
	return checkedLength(filter);
}

function checkedLength(topic: string): number {
	const n = utf8Length(topic);
	return n > MAX_TOPIC_BYTES ? -BAD_TOPIC : n;
}

/** Non-empty, no U+0000, no lone surrogate. */
function wellFormed(topic: string): boolean {
	if (topic.length === 0) return false;
	for (let i = 0; i < topic.length; i++) {
		const c = topic.charCodeAt(i);
		if (c === 0 || (c >= 0xdc00 && c <= 0xdfff)) return false;
		if (c >= 0xd800 && c <= 0xdbff) {
			const d = topic.charCodeAt(i + 1);
			if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
			i++;
		}
	}
	return true;
}
