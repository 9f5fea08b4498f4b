/*
 * walkthrough-mail — the e-mail part of `npm start`: a loopback SMTP server (smtp-sink.ts) is the cloud's
 * relay; through the cloud's API, signed with its first key as a user's SDK would sign, topic
 * MisbehavingDevices gets an e-mail subscriber, confirmed by following the link in the confirmation mail,
 * and CheckRogueDevices' alertTargets.SNS points at the topic. Every mail received is printed readably.
 */
import { UpdateSecurityProfileCommand, IoTClient } from "@aws-sdk/client-iot";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import type { Api, ApiCloud, Cloud } from "../cloud/index";
import { startSmtpSink, type ReceivedMail, type SmtpSink } from "./smtp-sink";

export const TOPIC = "MisbehavingDevices";
export const SUBSCRIBER = "oncall@example.com";
export const MAIL_FROM = "defender@example.net";
/** the role Device Defender would assume to publish (AWS requires one; the local cloud does not use it) */
const ROLE_ARN = "arn:aws:iam::123456789012:role/DeviceDefenderAlerts";
/** real milliseconds to wait for a mail (SMTP on loopback; the machine may be loaded) */
const MAIL_WAIT_MS = 20_000;
const BODY_LINES = 8;

type Say = (who: string, text: string) => void;

/** The relay, printing each mail as it arrives; stop it after the cloud. */
export function startMailSink(say: Say): Promise<SmtpSink> {
	return startSmtpSink("relay", "walkthrough", undefined, (m) => printMail(m, say));
}

/** The `api` option of startCloud for a cloud whose SNS mails through `sink`. */
export function apiOptions(sink: SmtpSink): { port: number; sns: { smtp: string; mailFrom: string } } {
	return { port: 0, sns: { smtp: sink.url, mailFrom: MAIL_FROM } };
}

export function printMail(m: ReceivedMail, say: Say): void {
	say("mail", `From: ${m.from}  To: ${m.to}`);
	say("mail", `Subject: ${m.subject}`);
	const lines = readableBody(m.text).split("\n").filter((l) => l.trim() !== "");
	for (const l of lines.slice(0, BODY_LINES)) say("mail", `| ${l.length > 160 ? l.slice(0, 157) + "…" : l}`);
	if (lines.length > BODY_LINES) say("mail", `| … (${lines.length - BODY_LINES} more lines)`);
}

/** A JSON object body (a Device Defender alert) one field a line, other text as it is. */
function readableBody(text: string): string {
	try {
		const v: unknown = JSON.parse(text);
		if (v === null || typeof v !== "object" || Array.isArray(v)) return text;
		return Object.entries(v).map(([k, x]) => `${k}: ${JSON.stringify(x)}`).join("\n");
	} catch {
		return text;
	}
}

export function apiOf(cloud: Cloud): Api {
	const api = (cloud as ApiCloud).api;
	if (!api) throw new Error("the cloud's API did not start");
	return api;
}

/** Topic, subscription confirmed by its link, profile alert target: all through the API. Returns the topic ARN. */
export async function subscribeByMail(api: Api, sink: SmtpSink, profileName: string, say: Say): Promise<string> {
	// the SDK's notice that releases after January 2027 need Node 22 is not about this run (Node >= 20): keep stderr for errors
	process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
	const client = { endpoint: api.url, region: "us-east-1", credentials: { ...api.accessKey }, maxAttempts: 1 };
	const sns = new SNSClient(client);
	const iot = new IoTClient(client);
	try {
		const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: TOPIC }));
		if (!TopicArn) throw new Error("CreateTopic returned no TopicArn");
		const before = sink.mails.length;
		const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: SUBSCRIBER }));
		say("cloud", `API ${api.url}: topic ${TopicArn}, e-mail subscription for ${SUBSCRIBER}: ${sub.SubscriptionArn}`);
		await waitFor(() => sink.mails.length > before, "the subscription confirmation mail");
		const confirmation = sink.mails[before];
		const link = /(https?:\/\/\S+Action=ConfirmSubscription\S*)/.exec(confirmation.text)?.[1];
		if (!link) throw new Error(`no confirmation link in the mail "${confirmation.subject}"`);
		say("story", `0. confirming "${confirmation.subject}" by its link ${link}`);
		const answer = await fetch(link);
		const body = await answer.text();
		const confirmed = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(body)?.[1];
		if (!answer.ok || !confirmed) throw new Error(`the confirmation link answered ${answer.status}: ${body.slice(0, 200)}`);
		say("cloud", `subscription confirmed: ${confirmed}`);
		await iot.send(new UpdateSecurityProfileCommand({ securityProfileName: profileName, alertTargets: { SNS: { alertTargetArn: TopicArn, roleArn: ROLE_ARN } } }));
		say("cloud", `security profile ${profileName}: alertTargets.SNS → ${TopicArn}`);
		return TopicArn;
	} finally {
		sns.destroy();
		iot.destroy();
	}
}

/** The in-alarm mails of `behaviors` (subject "… <thing> in-alarm <behavior>"), waiting for them in real time. */
export async function violationMails(sink: SmtpSink, thing: string, behaviors: string[]): Promise<string[]> {
	const missing = () => behaviors.filter((b) => !sink.mails.some((m) => m.subject.includes(`${thing} in-alarm ${b}`)));
	await waitFor(() => missing().length === 0, "the violation mails").catch(() => undefined);
	return missing();
}

async function waitFor(done: () => boolean, what: string): Promise<void> {
	const end = Date.now() + MAIL_WAIT_MS;
	while (!done()) {
		if (Date.now() > end) throw new Error(`${what} did not arrive within ${MAIL_WAIT_MS / 1000} s`);
		await new Promise((r) => setTimeout(r, 20));
	}
}
