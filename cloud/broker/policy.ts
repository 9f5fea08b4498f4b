/*
 * policy — per-thing topic authorization, like an AWS IoT policy: a thing publishes and subscribes under
 * its own `$aws/things/<thing>/` prefix plus the configured allowed topic filters (`${iot:ClientId}` is
 * replaced by the thing name). Reserved Defender rules: nobody subscribes to the report publish topics,
 * nobody publishes on the accepted/rejected reply topics.
 */

/** `drop`: a thing-group policy's denial: the publish is dropped, the connection stays (docs/api.md "Mitigation"). */
export type Decision = { allowed: true } | { allowed: false; reason: string; drop?: boolean };

const ALLOW: Decision = { allowed: true };
const REPLY_SUFFIX = /\/defender\/metrics\/(json|cbor)\/(accepted|rejected)$/;

function deny(reason: string): Decision {
	return { allowed: false, reason };
}

function ownPrefix(thing: string): string {
	return `$aws/things/${thing}/`;
}

/** True when `filter` (may hold + and #) matches the concrete `topic`. */
export function topicMatches(filter: string, topic: string): boolean {
	if (filter.indexOf("+") < 0 && filter.indexOf("#") < 0) return filter === topic;
	const f = filter.split("/");
	const t = topic.split("/");
	if (t[0].startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
	for (let i = 0; i < f.length; i++) {
		if (f[i] === "#") return true;
		if (i >= t.length) return false;
		if (f[i] !== "+" && f[i] !== t[i]) return false;
	}
	return f.length === t.length;
}

/** True when every topic `requested` can match is also matched by `allowed`. */
export function filterCovers(allowed: string, requested: string): boolean {
	const a = allowed.split("/");
	const r = requested.split("/");
	for (let i = 0; i < a.length; i++) {
		if (a[i] === "#") return true;
		if (i >= r.length || r[i] === "#") return false;
		if (a[i] === "+") continue;
		if (a[i] !== r[i]) return false;
	}
	return a.length === r.length;
}

/** Policies beyond the broker's own (thing-group policies, cloud/policies): a Deny wins, an Allow adds. */
export interface PolicyOverlay {
	decide(thing: string, action: "publish" | "receive" | "subscribe", name: string): "allow" | "deny" | undefined;
}

export class TopicPolicy {
	readonly #allow: string[];
	readonly #overlay: PolicyOverlay | undefined;

	constructor(allowTopics: string[] = [], overlay?: PolicyOverlay) {
		this.#allow = allowTopics.slice();
		this.#overlay = overlay;
	}

	#overlaid(thing: string, action: "publish" | "receive" | "subscribe", name: string): Decision | undefined {
		const verdict = this.#overlay?.decide(thing, action, name);
		if (verdict === undefined) return undefined;
		return verdict === "allow" ? ALLOW : { allowed: false, reason: `thing ${thing} may not ${action} ${name}: denied by a policy of its thing group`, drop: true };
	}

	#allowedFor(thing: string): string[] {
		return this.#allow.map((f) => f.split("${iot:ClientId}").join(thing));
	}

	publish(thing: string, topic: string): Decision {
		if (REPLY_SUFFIX.test(topic)) return deny(`publishing to reply topic ${topic} is not allowed`);
		const overlaid = this.#overlaid(thing, "publish", topic);
		if (overlaid) return overlaid;
		if (topic.startsWith(ownPrefix(thing))) return ALLOW;
		if (this.#allowedFor(thing).some((f) => topicMatches(f, topic))) return ALLOW;
		return deny(`thing ${thing} is not authorized to publish to ${topic}`);
	}

	subscribe(thing: string, filter: string): Decision {
		for (const fmt of ["json", "cbor"]) {
			if (topicMatches(filter, `${ownPrefix(thing)}defender/metrics/${fmt}`)) {
				return deny(`subscribing to the reserved publish topic ${ownPrefix(thing)}defender/metrics/${fmt} is not allowed`);
			}
		}
		const overlaid = this.#overlaid(thing, "subscribe", filter);
		if (overlaid) return overlaid;
		if (filter.startsWith(ownPrefix(thing))) return ALLOW;
		if (this.#allowedFor(thing).some((f) => filterCovers(f, filter))) return ALLOW;
		return deny(`thing ${thing} is not authorized to subscribe to ${filter}`);
	}

	/** Delivery of a message on `topic` to `thing` (re-checked at every delivery): the overlay's Receive, else as subscribe. */
	receive(thing: string, topic: string): Decision {
		const overlaid = this.#overlay?.decide(thing, "receive", topic);
		if (overlaid === "deny") return deny(`thing ${thing} may not receive ${topic}: denied by a policy of its thing group`);
		return this.subscribe(thing, topic);
	}
}
