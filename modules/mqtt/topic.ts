/*
 * topic — validation of topic names (PUBLISH) and topic filters (SUBSCRIBE), MQTT 3.1.1 §4.7.
 * Returns the UTF-8 length on success or -BAD_TOPIC, so callers size and validate in one pass.
 */
import { BAD_TOPIC } from "./status";
import { MAX_TOPIC_BYTES } from "./packets";

const PLUS = 0x2b;
const HASH = 0x23;
const SLASH = 0x2f;

/** UTF-8 length of a valid topic name (no wildcards), else -BAD_TOPIC. */
export function topicNameLength(topic: string): number {
	if (topic.indexOf("+") >= 0 || topic.indexOf("#") >= 0) return -BAD_TOPIC;
	return checkedLength(topic);
}

/** UTF-8 length of a valid topic filter ('+' a whole level, '#' last and a whole level), else -BAD_TOPIC. */
export function topicFilterLength(filter: string): number {
	const last = filter.length - 1;
	for (let i = 0; i <= last; i++) {
		const c = filter.charCodeAt(i);
		if (c !== PLUS && c !== HASH) continue;
		const wholeLevel = (i === 0 || filter.charCodeAt(i - 1) === SLASH) && (i === last || filter.charCodeAt(i + 1) === SLASH);
		if (!wholeLevel || (c === HASH && i !== last)) return -BAD_TOPIC;
	}
	return checkedLength(filter);
}

/** UTF-8 length of a non-empty topic of at most MAX_TOPIC_BYTES with no U+0000 and no lone surrogate, else -BAD_TOPIC. */
function checkedLength(topic: string): number {
	let n = 0;
	for (let i = 0; i < topic.length; i++) {
		const c = topic.charCodeAt(i);
		if (c >= 0x80) n += c < 0x800 ? 2 : 3;
		else if (c === 0) return -BAD_TOPIC;
		else n++;
		if (c < 0xd800 || c > 0xdfff) continue;
		const d = topic.charCodeAt(i + 1);
		if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return -BAD_TOPIC;
		n++;
		i++;
	}
	return n === 0 || n > MAX_TOPIC_BYTES ? -BAD_TOPIC : n;
}
