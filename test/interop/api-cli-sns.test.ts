/* `npm run cloud -- start --api-port … --smtp … --mail-from …`: SNS e-mail through the relay given on the command line. */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../helpers/cloud-setup";
import { apiKeyOf, startCliCloud, TSX, type CliCloud } from "../helpers/cli-cloud";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";

const run = promisify(execFile);
let cloud: CliCloud | undefined;
let smtp: SmtpSink | undefined;
afterEach(async () => {
	await cloud?.stop();
	await smtp?.close();
	cloud = smtp = undefined;
});

describe("cloud CLI with SNS e-mail", () => {
	it("sends the confirmation mail through --smtp from --mail-from", async () => {
		smtp = await startSmtpSink();
		const c = (cloud = await startCliCloud("api-cli-sns-", ["--no-stdout", "--smtp", smtp.url, "--mail-from", "dd@example.net"]));
		const url = c.url;
		const sns = new SNSClient({ endpoint: url, region: "eu-west-1", credentials: await apiKeyOf(c.data), maxAttempts: 1 });
		try {
			const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "MisbehavingDevices" }));
			await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "ops@example.org" }));
			const sink = smtp;
			await until(() => sink.mails.length === 1, "the confirmation mail", 30_000);
			expect([sink.mails[0].from, sink.mails[0].to, sink.logins()]).toEqual(["dd@example.net", "ops@example.org", 1]);
			expect(sink.mails[0].text).toContain(`${url}/?Action=ConfirmSubscription`);
		} finally {
			sns.destroy();
		}
	}, 300_000);

	it("refuses a relay that is not smtp:// or smtps://, and --smtp without --api-port", async () => {
		const fails = async (args: string[]): Promise<{ code: number; stderr: string } | undefined> =>
			(await run(TSX, ["cloud/cli.ts", "start", ...args]).then(() => undefined, (err: unknown) => err)) as { code: number; stderr: string } | undefined;
		const bad = await fails(["--api-port", "0", "--smtp", "http://mail.example.net"]);
		expect([bad?.code, bad?.stderr]).toEqual([2, expect.stringMatching(/--smtp must be smtp:\/\//)]);
		const alone = await fails(["--smtp", "smtp://127.0.0.1:25"]);
		expect([alone?.code, alone?.stderr]).toEqual([2, expect.stringMatching(/need --api-port/)]);
	}, 120_000);
});
