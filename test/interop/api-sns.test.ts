/*
 * The SNS subset driven by @aws-sdk/client-sns, with a real SMTP relay (smtp-server) and a real HTTP
 * subscriber: topics, e-mail confirmation by link, the seed profile's violations mailed to the confirmed
 * subscriber, nothing lost while the relay is down, http(s) confirmation and notifications, errors.
 */
import { AddThingToThingGroupCommand, AttachSecurityProfileCommand, CreateSecurityProfileCommand, CreateThingCommand, CreateThingGroupCommand } from "@aws-sdk/client-iot";
import {
	ConfirmSubscriptionCommand,
	CreateTopicCommand,
	DeleteTopicCommand,
	ListSubscriptionsByTopicCommand,
	ListTopicsCommand,
	PublishCommand,
	SNSClient,
	SubscribeCommand,
	UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureCa, ensureServerCertificate } from "../../cloud/pki";
import { report, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { tempDir, until } from "../helpers/cloud-setup";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const c of cleanups.reverse()) await c();
	cleanups.length = 0;
});

async function setup(smtp?: SmtpSink): Promise<{ f: ApiFixture; sns: SNSClient }> {
	const f = await startApiCloud({ api: { port: 0, sns: { smtp: smtp?.url, mailFrom: "defender@example.net", backoffMs: 1000, maxBackoffMs: 8000 } } });
	const sns = new SNSClient({ endpoint: f.api.url, region: "us-east-1", credentials: { ...f.api.accessKey }, maxAttempts: 1 });
	cleanups.push(async () => (sns.destroy(), await f.cleanup()));
	return { f, sns };
}

async function sink(): Promise<SmtpSink> {
	const s = await startSmtpSink();
	cleanups.push(() => s.close());
	return s;
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
	const e = (await p.then(() => undefined, (err: unknown) => err)) as { name: string; $metadata?: { httpStatusCode?: number } } | undefined;
	if (!e) throw new Error("expected the call to fail");
	return { name: e.name, status: e.$metadata?.httpStatusCode };
}

const EMAIL = "oncall@example.com";

describe("SNS through @aws-sdk/client-sns", () => {
	it("mails the confirmation, confirms by the link, and mails CheckRogueDevices violations to the subscriber", async () => {
		const smtp = await sink();
		const { f, sns } = await setup(smtp);
		const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "MisbehavingDevices" }));
		expect(TopicArn).toMatch(/^arn:aws:sns:[^:]+:\d{12}:MisbehavingDevices$/);
		expect((await sns.send(new CreateTopicCommand({ Name: "MisbehavingDevices" }))).TopicArn).toBe(TopicArn);
		expect((await sns.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn }]);

		const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: EMAIL }));
		expect(sub.SubscriptionArn).toBe("pending confirmation");
		await until(() => smtp.mails.length === 1, "the confirmation mail");
		const confirmation = smtp.mails[0];
		expect([confirmation.from, confirmation.to, confirmation.subject]).toEqual(["defender@example.net", EMAIL, "AWS Notification - Subscription Confirmation"]);
		const link = /(http:\/\/\S+Action=ConfirmSubscription\S+)/.exec(confirmation.text)?.[1];
		expect(link).toBeDefined();
		const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
		expect(listed.Subscriptions?.map((s) => [s.SubscriptionArn, s.Protocol, s.Endpoint])).toEqual([["PendingConfirmation", "email", EMAIL]]);

		// a forged token is refused; the link (unsigned, as a mail client follows it) confirms
		const forged = await fetch(String(link).replace(/Token=[0-9a-f]+/, "Token=00"));
		expect([forged.status, await forged.text()]).toEqual([400, expect.stringContaining("<Code>InvalidParameter</Code>")]);
		const confirmed = await fetch(String(link));
		const body = await confirmed.text();
		expect(confirmed.status).toBe(200);
		const subscriptionArn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(body)?.[1];
		expect(subscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
		expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions?.[0].SubscriptionArn).toBe(subscriptionArn);

		// the seed profile with its SNS alert target, created through the IoT API
		const seed = JSON.parse(readFileSync("profiles/CheckRogueDevices.json", "utf8")) as object;
		const alertTargets = { SNS: { alertTargetArn: "arn:aws:sns:us-east-1:123456789012:MisbehavingDevices", roleArn: "arn:aws:iam::123456789012:role/DeviceDefenderAlerts" } };
		await f.iot.send(new CreateSecurityProfileCommand({ ...seed, alertTargets } as never));
		await f.iot.send(new CreateThingGroupCommand({ thingGroupName: "allMyDevices" }));
		await f.iot.send(new CreateThingCommand({ thingName: "rogue1" }));
		await f.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "allMyDevices", thingName: "rogue1" }));
		await f.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "CheckRogueDevices", securityProfileTargetArn: "arn:aws:iot:local:000000000000:thinggroup/allMyDevices" }));
		const device = await f.connect("rogue1");
		await report(device, "rogue1", 1, { ns: { bi: 10, bo: 50_000, pi: 1, po: 40 } });
		f.clock.advance(300_000);
		await until(() => smtp.mails.length === 2, "the violation mail");
		const mail = smtp.mails[1];
		expect(mail.to).toBe(EMAIL);
		expect(mail.subject).toContain("rogue1 in-alarm bytesOut");
		const alert = JSON.parse(mail.text) as { thingName: string; securityProfileName: string; behavior: { name: string }; violationEventType: string; metricValue: { count: number } };
		expect(alert).toMatchObject({ thingName: "rogue1", securityProfileName: "CheckRogueDevices", behavior: { name: "bytesOut" }, violationEventType: "in-alarm", metricValue: { count: 50_000 } });
	});

	it("keeps e-mail owed while the SMTP relay is down and delivers it when the relay is back", async () => {
		const smtp = await sink();
		const { f, sns } = await setup(smtp);
		const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "MisbehavingDevices" }));
		await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: EMAIL }));
		await until(() => smtp.mails.length === 1, "the confirmation mail");
		const confirmation = JSON.parse(smtp.mails[0].text) as { Type: string; Token: string; SubscribeURL: string };
		expect(confirmation.Type).toBe("SubscriptionConfirmation");
		await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: confirmation.Token }));

		await smtp.down();
		const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Subject: "rogue", Message: "device rogue1 misbehaves" }));
		await until(() => f.logs.some((l) => l.includes("sns-email:") && l.includes("attempt 1")), "a failed attempt");
		f.clock.advance(1000);
		await until(() => f.logs.some((l) => l.includes("sns-email:") && l.includes("attempt 2")), "a second failed attempt");
		expect(smtp.mails).toHaveLength(1);
		expect(f.cloud.pendingWebhookAlerts()).toBe(0); // the owed mail is SNS's, not the webhook's
		await smtp.up();
		f.clock.advance(2000);
		await until(() => smtp.mails.length === 2, "the mail after the relay came back");
		const note = JSON.parse(smtp.mails[1].text) as Record<string, string>;
		expect(note).toMatchObject({ Type: "Notification", MessageId, TopicArn, Subject: "rogue", Message: "device rogue1 misbehaves" });
		expect(Number.isNaN(Date.parse(note.Timestamp))).toBe(false);
		expect(smtp.logins()).toBe(2);
	});

	it("upgrades to STARTTLS when the relay offers it and checks the relay's certificate", async () => {
		const pki = tempDir("smtp-pki-");
		cleanups.push(async () => rmSync(pki, { recursive: true, force: true }));
		ensureCa(pki);
		const files = ensureServerCertificate(pki);
		const smtp = await startSmtpSink("relay", "s3cret", { key: readFileSync(files.keyPem, "utf8"), cert: readFileSync(files.certPem, "utf8") });
		cleanups.push(() => smtp.close());
		const f = await startApiCloud({ api: { port: 0, sns: { smtp: smtp.url, smtpCa: readFileSync(files.caPem, "utf8") } } });
		const sns = new SNSClient({ endpoint: f.api.url, region: "us-east-1", credentials: { ...f.api.accessKey }, maxAttempts: 1 });
		cleanups.push(async () => (sns.destroy(), await f.cleanup()));
		const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "MisbehavingDevices" }));
		await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: EMAIL }));
		await until(() => smtp.mails.length === 1, "the confirmation mail over STARTTLS");
		expect([smtp.logins(), smtp.secureLogins()]).toEqual([1, 1]);

		// a relay whose certificate the cloud does not trust gets nothing (the mail stays owed, retried)
		const { sns: untrusting, f: g } = await setup(smtp);
		const topic = await untrusting.send(new CreateTopicCommand({ Name: "Other" }));
		await untrusting.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: "email", Endpoint: EMAIL }));
		await until(() => g.logs.some((l) => l.includes("sns-email:") && l.includes("attempt 1")), "the refused relay");
		expect(smtp.mails).toHaveLength(1);
	});

	it("confirms an http subscriber by its SubscriptionConfirmation POST, notifies it, unsubscribes and deletes", async () => {
		const posts: { headers: IncomingHttpHeaders; body: Record<string, string> }[] = [];
		const server: Server = createServer((req, res) => {
			let text = "";
			req.on("data", (c) => (text += c));
			req.on("end", () => (posts.push({ headers: req.headers, body: JSON.parse(text) as Record<string, string> }), res.end()));
		});
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		cleanups.push(() => new Promise((r) => server.close(() => r())));
		const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
		const { sns } = await setup();
		const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "Ops" }));
		await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: endpoint }));
		await until(() => posts.length === 1, "the SubscriptionConfirmation POST");
		expect(posts[0].headers["x-amz-sns-message-type"]).toBe("SubscriptionConfirmation");
		expect(posts[0].body).toMatchObject({ Type: "SubscriptionConfirmation", TopicArn, SubscribeURL: expect.stringContaining("Action=ConfirmSubscription") });
		const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: posts[0].body.Token }));
		const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: "hello + world & <you>" }));
		await until(() => posts.length === 2, "the Notification POST");
		expect(posts[1].headers["x-amz-sns-subscription-arn"]).toBe(SubscriptionArn);
		expect(posts[1].body).toMatchObject({ Type: "Notification", MessageId, TopicArn, Message: "hello + world & <you>" });

		await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
		expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([]);
		await sns.send(new DeleteTopicCommand({ TopicArn }));
		expect((await sns.send(new ListTopicsCommand({}))).Topics ?? []).toEqual([]);
	});

	it("answers errors in the SNS shapes, refuses a wrong secret and an unsigned call", async () => {
		const { f, sns } = await setup();
		const missing = "arn:aws:sns:us-east-1:123456789012:Nope";
		expect(await rejection(sns.send(new SubscribeCommand({ TopicArn: missing, Protocol: "email", Endpoint: EMAIL })))).toEqual({ name: "NotFoundException", status: 404 });
		expect(await rejection(sns.send(new CreateTopicCommand({ Name: "bad name!" })))).toEqual({ name: "InvalidParameterException", status: 400 });
		const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "T" }));
		expect(await rejection(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sms", Endpoint: "+15555550100" })))).toEqual({ name: "InvalidParameterException", status: 400 });
		expect(await rejection(sns.send(new SubscribeCommand({ TopicArn, Protocol: "https", Endpoint: "http://x" })))).toEqual({ name: "InvalidParameterException", status: 400 });
		expect(await rejection(sns.send(new PublishCommand({ TopicArn, Message: "m", Subject: "line\nbreak" })))).toEqual({ name: "InvalidParameterException", status: 400 });
		const wrongKey = new SNSClient({ endpoint: f.api.url, region: "us-east-1", credentials: { accessKeyId: f.api.accessKey.accessKeyId, secretAccessKey: "wrong" }, maxAttempts: 1 });
		cleanups.push(async () => wrongKey.destroy());
		expect((await rejection(wrongKey.send(new ListTopicsCommand({})))).status).toBe(403);
		const unsigned = await fetch(f.api.url + "/", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=ListTopics&Version=2010-03-31" });
		expect([unsigned.status, await unsigned.text()]).toEqual([403, expect.stringContaining("<Code>MissingAuthenticationToken</Code>")]);
	});

	it("keeps topics, confirmed subscriptions and owed mail across a restart", async () => {
		const dir = tempDir("api-sns-");
		const smtp = await sink();
		const options = { dataDir: join(dir, "data"), pkiDir: join(dir, "pki") };
		const first = await startApiCloud({ ...options, api: { port: 0, sns: { smtp: smtp.url } } }, dir);
		const sns1 = new SNSClient({ endpoint: first.api.url, region: "us-east-1", credentials: { ...first.api.accessKey }, maxAttempts: 1 });
		const { TopicArn } = await sns1.send(new CreateTopicCommand({ Name: "MisbehavingDevices" }));
		await sns1.send(new SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: EMAIL }));
		await until(() => smtp.mails.length === 1, "the confirmation mail");
		await sns1.send(new ConfirmSubscriptionCommand({ TopicArn, Token: (JSON.parse(smtp.mails[0].text) as { Token: string }).Token }));
		await smtp.down();
		await sns1.send(new PublishCommand({ TopicArn, Message: "owed across the restart" }));
		await until(() => first.logs.some((l) => l.includes("sns-email:") && l.includes("attempt 1")), "a failed attempt");
		sns1.destroy();
		await first.cloud.stop();
		await smtp.up();

		const again = await startApiCloud({ ...options, api: { port: 0, sns: { smtp: smtp.url } } }, dir);
		const sns = new SNSClient({ endpoint: again.api.url, region: "us-east-1", credentials: { ...again.api.accessKey }, maxAttempts: 1 });
		cleanups.push(async () => (sns.destroy(), await again.cleanup()));
		again.clock.advance(10_000);
		await until(() => smtp.mails.length === 2, "the mail owed before the restart");
		expect((JSON.parse(smtp.mails[1].text) as { Message: string }).Message).toBe("owed across the restart");
		expect(again.logs.filter((l) => l.includes("not configured now"))).toEqual([]);
		expect((await sns.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn }]);
		const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions;
		expect(subs?.map((s) => [s.Protocol, s.Endpoint, s.SubscriptionArn?.startsWith(`${TopicArn}:`)])).toEqual([["email-json", EMAIL, true]]);
		await sns.send(new PublishCommand({ TopicArn, Message: "after restart" }));
		await until(() => smtp.mails.length === 3, "the mail after the restart");
		expect((JSON.parse(smtp.mails[2].text) as { Message: string }).Message).toBe("after restart");
	});
});
