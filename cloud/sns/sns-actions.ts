/*
 * sns-actions — the SNS actions served (query protocol, Version 2010-03-31): CreateTopic, ListTopics,
 * DeleteTopic, Subscribe, ConfirmSubscription, ListSubscriptionsByTopic, Unsubscribe, Publish. Each takes
 * the form parameters and returns the <ActionResult> content.
 */
import { SnsError, type SnsService } from "./sns-service";
import type { Subscription } from "./sns-store";
import type { XmlValue } from "./sns-xml";

export type Params = Map<string, string>;
type Action = (p: Params) => XmlValue | undefined;

const OWNER = "000000000000";
/** ConfirmSubscription may be called without a signature: the token is the credential (as on AWS). */
export const ANONYMOUS_ACTIONS = new Set(["ConfirmSubscription"]);

function required(p: Params, name: string): string {
	const v = p.get(name);
	if (v === undefined || v === "") throw new SnsError("InvalidParameter", `Invalid parameter: ${name}`);
	return v;
}

function member(s: Subscription): XmlValue {
	return { SubscriptionArn: s.confirmed ? s.arn : "PendingConfirmation", Owner: OWNER, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topic_arn };
}

export function snsActions(sns: SnsService): Record<string, Action> {
	return {
		CreateTopic: (p) => ({ TopicArn: sns.createTopic(required(p, "Name")).arn }),
		ListTopics: () => ({ Topics: listTopics(sns) }),
		DeleteTopic: (p) => void sns.deleteTopic(required(p, "TopicArn")),
		Subscribe: (p) => {
			const sub = sns.subscribe(required(p, "TopicArn"), required(p, "Protocol"), required(p, "Endpoint"));
			const returnArn = p.get("ReturnSubscriptionArn") === "true";
			return { SubscriptionArn: sub.confirmed || returnArn ? sub.arn : "pending confirmation" };
		},
		ConfirmSubscription: (p) => ({ SubscriptionArn: sns.confirm(required(p, "TopicArn"), required(p, "Token")).arn }),
		ListSubscriptionsByTopic: (p) => ({ Subscriptions: sns.subscriptions(required(p, "TopicArn")).map(member) }),
		Unsubscribe: (p) => void sns.unsubscribe(required(p, "SubscriptionArn")),
		Publish: (p) => {
			if (p.has("TargetArn") || p.has("PhoneNumber")) throw new SnsError("InvalidParameter", "Invalid parameter: only TopicArn is supported");
			const message = required(p, "Message");
			if (Buffer.byteLength(message) > 256 * 1024) throw new SnsError("InvalidParameter", "Invalid parameter: Message too long");
			const subject = p.get("Subject");
			if (subject !== undefined && !/^[\x20-\x7e]{1,100}$/.test(subject)) throw new SnsError("InvalidParameter", "Invalid parameter: Subject (1–100 printable ASCII characters)");
			return { MessageId: sns.publish(required(p, "TopicArn"), message, subject) };
		},
	};
}

function listTopics(sns: SnsService): XmlValue {
	return sns.listTopics().map((t) => ({ TopicArn: t.arn }));
}
