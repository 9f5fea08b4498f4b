/*
 * facts — the facts the firmware and the cloud must agree on, in one place: the thing-name rule, the
 * reserved Device Defender topics and the limits AWS IoT Core enforces (defender.md §2.1, §12).
 * The firmware's config and report modules and every part of the cloud import these; nothing else
 * spells them. Plain data and small functions only (ES2022, no platform imports).
 */

/** AWS IoT thing names: 1..128 characters of A-Z a-z 0-9 : _ - (so never an MQTT wildcard or separator). */
export const THING_NAME_MAX = 128;
export const THING_NAME_RULE = `1..${THING_NAME_MAX} characters of A-Z a-z 0-9 : _ - (AWS IoT thing name)`;

/** Why `name` is not a valid thing name, or undefined when it is. The one thing-name rule. */
export function thingNameProblem(name: unknown): string | undefined {
	if (typeof name !== "string") return `thing name must be a string: ${THING_NAME_RULE}`;
	if (name.length < 1 || name.length > THING_NAME_MAX) return `thing name must be ${THING_NAME_RULE}, got ${name.length} characters`;
	for (let i = 0; i < name.length; i++) {
		const c = name.charCodeAt(i);
		const ok = (c >= 0x30 && c <= 0x3a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
		if (!ok) return `thing name ${JSON.stringify(name)} must be ${THING_NAME_RULE}`;
	}
	return undefined;
}

/** The two reserved report topic kinds: the payload format on the wire. */
export type WireFormat = "json" | "cbor";
export type ReplyKind = "accepted" | "rejected";

export const THINGS_PREFIX = "$aws/things/";
export const DEFENDER_BRIDGE = "/defender/metrics/";

/** `$aws/things/<thing>/defender/metrics/<json|cbor>` (the name is not checked here). */
export function defenderTopic(thing: string, format: WireFormat): string {
	return `${THINGS_PREFIX}${thing}${DEFENDER_BRIDGE}${format}`;
}

export function defenderReplyTopic(thing: string, format: WireFormat, kind: ReplyKind): string {
	return `${defenderTopic(thing, format)}/${kind}`;
}

/** The thing and format of a report publish topic, or undefined for any other topic. */
export function matchDefenderTopic(topic: string): { thing: string; format: WireFormat } | undefined {
	if (!topic.startsWith(THINGS_PREFIX)) return undefined;
	const slash = topic.indexOf("/", THINGS_PREFIX.length);
	if (slash <= THINGS_PREFIX.length) return undefined;
	const tail = topic.slice(slash);
	if (tail !== `${DEFENDER_BRIDGE}json` && tail !== `${DEFENDER_BRIDGE}cbor`) return undefined;
	const thing = topic.slice(THINGS_PREFIX.length, slash);
	if (thingNameProblem(thing) !== undefined) return undefined;
	return { thing, format: tail === `${DEFENDER_BRIDGE}json` ? "json" : "cbor" };
}

/** The thing, format and kind of a reply topic, or undefined. */
export function matchDefenderReplyTopic(topic: string): { thing: string; format: WireFormat; kind: ReplyKind } | undefined {
	const cut = topic.lastIndexOf("/");
	if (cut < 0) return undefined;
	const kind = topic.slice(cut + 1);
	if (kind !== "accepted" && kind !== "rejected") return undefined;
	const report = matchDefenderTopic(topic.slice(0, cut));
	return report && { ...report, kind };
}

/** Limits of AWS IoT Core and Device Defender (defender.md §12), enforced by the cloud and honoured by the firmware. */
export const LIMITS = {
	/** MQTT PUBLISH payload, bytes (AWS IoT Core: 128 KB) */
	maxPayloadBytes: 131_072,
	/** a topic name, bytes of UTF-8 */
	maxTopicBytes: 256,
	/** forward slashes in a topic, excluding the reserved `$aws/things/<thing>/` prefix */
	maxTopicSlashes: 7,
	/** publishes per second per connection */
	maxPublishesPerSecond: 100,
	/** subscriptions per connection */
	maxSubscriptionsPerConnection: 50,
	/** highest QoS granted */
	maxQos: 1,
	/** minimum seconds between reports of one thing (Throttled otherwise) */
	minReportIntervalSeconds: 300,
	/** report ids are integers 1..2^53-1 (exact in a double) */
	maxReportId: 9_007_199_254_740_991,
	/** violation events kept, days */
	violationRetentionDays: 30,
	/** metric history kept, days */
	metricRetentionDays: 14,
	/** ML Detect: days of data before the first model, and the trailing training period */
	mlTrainingDays: 14,
	/** ML Detect: datapoints of a behavior's metric needed in the training period */
	mlMinDatapoints: 25_000,
	/** ML Detect: days training is retried when the data is insufficient */
	mlRetryDays: 30,
} as const;
