/*
 * sns-service — the SNS topics of the cloud: subscriptions (pending until confirmed by their token),
 * Publish to every confirmed subscriber, and Device Defender alerts of a profile whose
 * alertTargets.SNS.alertTargetArn names a topic. Every delivery goes through the persisted outbox
 * (targets sns-email:<subscriptionArn>, sns-http:<subscriptionArn>), retried with back-off until delivered.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Clock } from "../../modules/platform/platform";
import type { Alert } from "../alerts";
import { Outbox } from "../outbox";
import type { OutboxTable } from "../outbox-table";
import { subscriptionSender, targetOf, type DeliveryDeps, type Mailer, type SnsMessage } from "./sns-delivery";
import { PROTOCOLS, TOPIC_NAME, type Protocol, type SnsStore, type Subscription, type Topic } from "./sns-store";

export class SnsError extends Error {
	constructor(
		readonly code: "InvalidParameter" | "NotFound" | "AuthorizationError",
		message: string,
	) {
		super(message);
	}
}

export interface SnsServiceDeps {
	store: SnsStore;
	table: OutboxTable;
	clock: Clock;
	log: (s: string) => void;
	mailer?: Mailer;
	/** the API's base URL, for SubscribeURL links */
	baseUrl: () => string;
	backoffMs?: number;
	maxBackoffMs?: number;
	timeoutMs?: number;
}

export class SnsService {
	readonly #d: SnsServiceDeps;
	readonly #outbox: Outbox;
	readonly #delivery: DeliveryDeps;
	readonly #registered = new Set<string>();
	#stopped = false;

	constructor(d: SnsServiceDeps) {
		this.#d = d;
		const owns = (target: string): boolean => target.startsWith("sns-");
		this.#outbox = new Outbox(d.table, d.clock, d.log, { backoffMs: d.backoffMs, maxBackoffMs: d.maxBackoffMs, owns });
		this.#delivery = { store: d.store, mailer: d.mailer, timeoutMs: d.timeoutMs ?? 10_000, log: d.log };
		for (const sub of d.store.subscriptions()) this.#register(sub);
		// rows of subscriptions removed before a restart: their sender drops them (logged)
		for (const target of d.table.targets()) {
			const m = /^sns-(?:email|http):(.+)$/.exec(target);
			if (m && !this.#registered.has(target)) this.#registerTarget(target, m[1]);
		}
	}

	createTopic(name: string): Topic {
		if (!TOPIC_NAME.test(name)) throw new SnsError("InvalidParameter", "Invalid parameter: Topic Name");
		return this.#d.store.createTopic(name, this.#d.clock.now());
	}

	listTopics(): Topic[] {
		return this.#d.store.topics();
	}

	topic(arn: string): Topic {
		const t = this.#d.store.topicByArn(arn);
		if (!t) throw new SnsError("NotFound", "Topic does not exist");
		return t;
	}

	deleteTopic(arn: string): void {
		const t = this.#d.store.topicByArn(arn);
		if (t) this.#d.store.deleteTopic(t.arn);
	}

	subscribe(topicArn: string, protocol: string, endpoint: string): Subscription {
		const topic = this.topic(topicArn);
		if (!PROTOCOLS.includes(protocol as Protocol)) throw new SnsError("InvalidParameter", `Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
		checkEndpoint(protocol as Protocol, endpoint);
		const existing = this.#d.store.findSubscription(topic.arn, protocol, endpoint);
		if (existing && existing.confirmed) return existing;
		const sub: Subscription = existing ?? { arn: `${topic.arn}:${randomUUID()}`, topic_arn: topic.arn, protocol: protocol as Protocol, endpoint, token: randomBytes(32).toString("hex"), confirmed: 0 };
		if (!existing) this.#d.store.addSubscription(sub);
		this.#register(sub);
		this.#outbox.enqueue(targetOf(sub), JSON.stringify(this.#confirmation(sub)));
		return sub;
	}

	/** ConfirmSubscription: the subscription whose token this is, now confirmed. */
	confirm(topicArn: string, token: string): Subscription {
		const topic = this.topic(topicArn);
		const sub = this.#d.store.subscriptionByToken(topic.arn, token);
		if (!sub) throw new SnsError("InvalidParameter", "Invalid token");
		this.#d.store.confirm(sub.arn);
		return { ...sub, confirmed: 1 };
	}

	unsubscribe(arn: string): void {
		if (!this.#d.store.subscription(arn)) throw new SnsError("NotFound", "Subscription does not exist");
		this.#d.store.removeSubscription(arn);
	}

	subscriptions(topicArn: string): Subscription[] {
		return this.#d.store.subscriptions(this.topic(topicArn).arn);
	}

	/** Queues a Notification to every confirmed subscriber; returns its MessageId. */
	publish(topicArn: string, message: string, subject?: string): string {
		const topic = this.topic(topicArn);
		const m: SnsMessage = { Type: "Notification", MessageId: randomUUID(), TopicArn: topic.arn, ...(subject === undefined ? {} : { Subject: subject }), Message: message, Timestamp: this.#now() };
		for (const sub of this.#d.store.subscriptions(topic.arn)) {
			if (sub.confirmed) this.#outbox.enqueue(targetOf(sub), JSON.stringify(m));
		}
		return m.MessageId;
	}

	/** A Device Defender alert of a profile with an SNS alert target: published to that topic. */
	alert(a: Alert, alertTargetArn: string): void {
		if (this.#stopped) return;
		if (!this.#d.store.topicByArn(alertTargetArn)) {
			this.#d.log(`sns: alert of ${a.securityProfileName} for ${a.thingName} not sent: topic ${alertTargetArn} does not exist`);
			return;
		}
		const subject = `Device Defender: ${a.thingName} ${a.violationEventType} ${a.behavior.name} (${a.securityProfileName})`;
		this.publish(alertTargetArn, JSON.stringify(a), subject.slice(0, 100));
	}

	pending(): number {
		return this.#outbox.pending();
	}

	stop(): void {
		this.#stopped = true;
		this.#outbox.stop();
		this.#d.mailer?.transport.close();
	}

	#confirmation(sub: Subscription): SnsMessage {
		const q = `Action=ConfirmSubscription&TopicArn=${encodeURIComponent(sub.topic_arn)}&Token=${sub.token}`;
		return {
			Type: "SubscriptionConfirmation",
			MessageId: randomUUID(),
			Token: sub.token,
			TopicArn: sub.topic_arn,
			Message: `You have chosen to subscribe to the topic ${sub.topic_arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
			SubscribeURL: `${this.#d.baseUrl()}/?${q}`,
			Timestamp: this.#now(),
		};
	}

	#register(sub: Subscription): void {
		this.#registerTarget(targetOf(sub), sub.arn);
	}

	#registerTarget(target: string, subscriptionArn: string): void {
		if (this.#registered.has(target)) return;
		this.#registered.add(target);
		this.#outbox.register(target, subscriptionSender(this.#delivery, subscriptionArn));
	}

	#now(): string {
		return new Date(this.#d.clock.now()).toISOString();
	}
}

function checkEndpoint(protocol: Protocol, endpoint: string): void {
	const bad = (): SnsError => new SnsError("InvalidParameter", `Invalid parameter: Endpoint (${protocol}: "${endpoint}")`);
	if (protocol === "email" || protocol === "email-json") {
		if (!/^[^\s@<>,;]+@[^\s@<>,;]+$/.test(endpoint)) throw bad();
		return;
	}
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		throw bad();
	}
	if (url.protocol !== `${protocol}:`) throw bad();
}
