/*
 * sns-delivery — one SNS delivery to one subscriber, as an outbox Sender: the payload is the SNS message
 * JSON (Type SubscriptionConfirmation or Notification). http/https subscribers get it POSTed with the
 * x-amz-sns-* headers; email subscribers a readable mail (the confirmation link, or the Message text);
 * email-json subscribers the JSON itself as the mail body. A subscription removed meanwhile drops its
 * queued deliveries (logged); a failure (refused connection, non-2xx, SMTP error) is retried by the outbox.
 */
import type { Transporter } from "nodemailer";
import type { DeliveryResult, Sender } from "../outbox";
import type { SnsStore, Subscription } from "./sns-store";
import { postDelivery } from "../post-delivery";

export interface SnsMessage {
	Type: "SubscriptionConfirmation" | "Notification";
	MessageId: string;
	TopicArn: string;
	Subject?: string;
	Message: string;
	Timestamp: string;
	Token?: string;
	SubscribeURL?: string;
	SignatureVersion?: string;
}

export interface Mailer {
	transport: Transporter;
	from: string;
}

export interface DeliveryDeps {
	store: SnsStore;
	mailer?: Mailer;
	timeoutMs: number;
	log: (s: string) => void;
}

function mailOf(m: SnsMessage, protocol: string): { subject: string; text: string } {
	if (protocol === "email-json") return { subject: m.Subject ?? "AWS Notification Message", text: JSON.stringify(m) };
	if (m.Type === "SubscriptionConfirmation") {
		return {
			subject: "AWS Notification - Subscription Confirmation",
			text: `You have chosen to subscribe to the topic:\n${m.TopicArn}\n\nTo confirm this subscription, click or visit the link below (if this was in error no action is necessary):\n${m.SubscribeURL}\n\nToken: ${m.Token}\n`,
		};
	}
	return { subject: m.Subject ?? "AWS Notification Message", text: m.Message };
}

async function sendMail(d: DeliveryDeps, sub: Subscription, m: SnsMessage, messageId: string): Promise<DeliveryResult> {
	if (!d.mailer) return { ok: false, reason: "no SMTP relay configured (--smtp)" };
	const { subject, text } = mailOf(m, sub.protocol);
	try {
		await d.mailer.transport.sendMail({ from: d.mailer.from, to: sub.endpoint, subject, text, headers: { "x-amz-sns-message-id": messageId } });
		return { ok: true };
	} catch (e) {
		return { ok: false, reason: `SMTP: ${(e as Error).message}` };
	}
}

function post(d: DeliveryDeps, sub: Subscription, m: SnsMessage, payload: string, stop: AbortSignal): Promise<DeliveryResult> {
	const headers: Record<string, string> = {
		"content-type": "text/plain; charset=UTF-8",
		"x-amz-sns-message-type": m.Type,
		"x-amz-sns-message-id": m.MessageId,
		"x-amz-sns-topic-arn": m.TopicArn,
		...(m.Type === "Notification" ? { "x-amz-sns-subscription-arn": sub.arn } : {}),
	};
	return postDelivery({ url: sub.endpoint, headers, body: payload, redirect: "manual" }, d.timeoutMs, stop);
}

/** The outbox sender of subscription `subscriptionArn`. */
export function subscriptionSender(d: DeliveryDeps, subscriptionArn: string): Sender {
	return async (row, stop) => {
		const sub = d.store.subscription(subscriptionArn);
		if (!sub) {
			d.log(`sns: delivery ${row.id} dropped: subscription ${subscriptionArn} no longer exists`);
			return { ok: true };
		}
		const m = JSON.parse(row.payload) as SnsMessage;
		return sub.protocol === "http" || sub.protocol === "https" ? post(d, sub, m, row.payload, stop) : sendMail(d, sub, m, row.id);
	};
}

/** The outbox target of a subscription's deliveries. */
export function targetOf(sub: Pick<Subscription, "arn" | "protocol">): string {
	return `${sub.protocol.startsWith("email") ? "sns-email" : "sns-http"}:${sub.arn}`;
}
