/*
 * topic-rules — AWS IoT Core's rules for topic names and subscription filters, applied before the policy:
 * valid UTF-8 (a decoded U+FFFD stands for an invalid sequence, as MQTT decoding leaves it), no NUL,
 * at most maxTopicBytes bytes, at most maxTopicSlashes forward slashes not counting the reserved
 * `$aws/things/<thing>/` prefix.
 */
import { THINGS_PREFIX } from "../../modules/facts/facts";
import type { BrokerLimits } from "./limits";

/** The topic without a leading `$aws/things/<thing>/` (whatever the thing), for the slash count. */
function withoutThingPrefix(topic: string): string {
	if (!topic.startsWith(THINGS_PREFIX)) return topic;
	const slash = topic.indexOf("/", THINGS_PREFIX.length);
	return slash < 0 ? topic : topic.slice(slash + 1);
}

function slashes(s: string): number {
	let n = 0;
	for (let i = s.indexOf("/"); i >= 0; i = s.indexOf("/", i + 1)) n++;
	return n;
}

/** Why `topic` (a PUBLISH topic or a SUBSCRIBE filter) breaks the rules, or undefined. */
export function topicProblem(topic: string, limits: Pick<BrokerLimits, "maxTopicBytes" | "maxTopicSlashes">): string | undefined {
	if (topic.length === 0) return "empty topic";
	if (topic.includes("\u0000")) return "topic holds a NUL character";
	if (topic.includes("\uFFFD")) return "topic is not valid UTF-8";
	const bytes = Buffer.byteLength(topic, "utf8");
	if (bytes > limits.maxTopicBytes) return `topic is ${bytes} bytes, over the limit of ${limits.maxTopicBytes}`;
	const n = slashes(withoutThingPrefix(topic));
	if (n > limits.maxTopicSlashes) return `topic has ${n} forward slashes, over the limit of ${limits.maxTopicSlashes}`;
	return undefined;
}
