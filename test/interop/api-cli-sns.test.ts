/* `npm run cloud -- start --api-port … --smtp … --mail-from …`: SNS e-mail through the relay given on the command line. */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir, until } from "../helpers/cloud-setup";
import { apiUrl } from "../helpers/api-setup";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";

const run = promisify(execFile);
const TSX = join("node_modules", ".bin", "tsx");
let child: ChildProcess | undefined;
let dir: string | undefined;
let smtp: SmtpSink | undefined;
afterEach(async () => {
	const c = child;
	if (c?.pid !== undefined && c.exitCode === null) {
		const exited = new Promise((r) => c.once("exit", r));
		c.kill("SIGTERM");
		await exited;
	}
	await smtp?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
	child = dir = smtp = undefined;
});

describe("cloud CLI with SNS e-mail", () => {
	it("sends the confirmation mail through --smtp from --mail-from", async () => {
		smtp = await startSmtpSink();
		dir = tempDir("api-cli-sns-");
		const data = join(dir, "data");
		const args = ["cloud/cli.ts", "start", "--port", "0", "--api-port", "0", "--data", data, "--pki", join(dir, "pki"), "--no-stdout", "--smtp", smtp.url, "--mail-from", "dd@example.net"];
		child = spawn(TSX, args, { stdio: ["ignore", "ignore", "pipe"] });
		const url = await apiUrl(child);
		const { stdout } = await run(TSX, ["cloud/cli.ts", "api-key", "--data", data]);
		const m = /^AWS_ACCESS_KEY_ID=(\S+)\nAWS_SECRET_ACCESS_KEY=(\S+)\n$/.exec(stdout);
		if (!m) throw new Error("unexpected api-key output");
		const sns = new SNSClient({ endpoint: url, region: "eu-west-1", credentials: { accessKeyId: m[1], secretAccessKey: m[2] }, maxAttempts: 1 });
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
