/* The SNS subset driven by the real aws CLI (Debian's /usr/bin/aws, botocore's query protocol, signing name sns). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { until } from "../helpers/cloud-setup";
import { awsCli } from "../helpers/aws-cli";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";

let f: ApiFixture;
let smtp: SmtpSink;
let home: string;

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), "aws-home-"));
	smtp = await startSmtpSink();
	f = await startApiCloud({ api: { port: 0, sns: { smtp: smtp.url } } });
});
afterAll(async () => {
	await f.cleanup();
	await smtp.close();
	rmSync(home, { recursive: true, force: true });
});

/** Runs `aws sns …` with only environment credentials; the parsed JSON output. */
function aws(args: string[]): Promise<Record<string, unknown>> {
	return awsCli("sns", args, { home, url: f.api.url, key: f.api.accessKey, region: "eu-central-1" });
}

describe("SNS through the aws CLI", () => {
	it("creates a topic, subscribes and confirms an e-mail address, publishes", async () => {
		const topic = String((await aws(["create-topic", "--name", "MisbehavingDevices"])).TopicArn);
		expect(topic).toMatch(/:MisbehavingDevices$/);
		expect(await aws(["list-topics"])).toEqual({ Topics: [{ TopicArn: topic }] });
		expect(await aws(["subscribe", "--topic-arn", topic, "--protocol", "email-json", "--notification-endpoint", "ops@example.com"])).toEqual({ SubscriptionArn: "pending confirmation" });
		await until(() => smtp.mails.length === 1, "the confirmation mail", 30_000);
		const token = (JSON.parse(smtp.mails[0].text) as { Token: string }).Token;
		const { SubscriptionArn } = await aws(["confirm-subscription", "--topic-arn", topic, "--token", token]);
		expect(String(SubscriptionArn)).toMatch(new RegExp(`^${topic}:`));
		const { MessageId } = await aws(["publish", "--topic-arn", topic, "--subject", "rogue device", "--message", "dev7 sends too much & too often"]);
		await until(() => smtp.mails.length === 2, "the notification", 30_000);
		expect(JSON.parse(smtp.mails[1].text)).toMatchObject({ Type: "Notification", MessageId, Subject: "rogue device", Message: "dev7 sends too much & too often" });
		const subs = (await aws(["list-subscriptions-by-topic", "--topic-arn", topic])).Subscriptions as { SubscriptionArn: string }[];
		expect(subs.map((s) => s.SubscriptionArn)).toEqual([SubscriptionArn]);
	}, 300_000);
});
