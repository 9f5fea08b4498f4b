/*
 * docs/walkthrough-aws-cli.md works as written: its ```sh tested blocks run in bash with the real
 * /usr/bin/aws against a cloud with the API and SNS, mailing through a real SMTP server on loopback —
 * thing, certificate (and its DER conversion), group, topic, e-mail subscription confirmed with the
 * token from the mail, CheckRogueDevices with its SNS alert target, attach, violations, the mail.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { report, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { awsCliEnv } from "../helpers/aws-cli";
import { until } from "../helpers/cloud-setup";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";

const run = promisify(execFile);
const DOC = "docs/walkthrough-aws-cli.md";
let f: ApiFixture;
let smtp: SmtpSink;
let home: string;

/** The doc's ```sh tested blocks, in order. */
function testedBlocks(): string[] {
	const blocks = [...readFileSync(DOC, "utf8").matchAll(/^```sh tested\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
	if (blocks.length < 5) throw new Error(`${DOC}: expected the tested blocks, found ${blocks.length}`);
	return blocks;
}

/** Runs block `i` in bash -e after re-running the variable assignments (`NAME=…`) of the blocks before it. */
async function block(i: number, extraEnv: Record<string, string> = {}): Promise<string> {
	const blocks = testedBlocks();
	const assignments = blocks
		.slice(0, i)
		.flatMap((b) => b.replace(/\\\n/g, " ").split("\n"))
		.filter((l) => /^[A-Z_]+=/.test(l));
	const script = ["set -euo pipefail", ...assignments, blocks[i]].join("\n");
	const env = {
		...awsCliEnv(home, f.api.accessKey),
		E: `--endpoint-url=${f.api.url}`,
		...extraEnv,
	};
	const { stdout } = await run("/bin/bash", ["-c", script], { env, cwd: home, timeout: 240_000 });
	return stdout;
}

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), "aws-walkthrough-"));
	mkdirSync(join(home, "profiles"));
	copyFileSync("profiles/CheckRogueDevices.json", join(home, "profiles", "CheckRogueDevices.json"));
	smtp = await startSmtpSink();
	f = await startApiCloud({ api: { port: 0, sns: { smtp: smtp.url, mailFrom: "defender@example.net" } } });
});
afterAll(async () => {
	await f.cleanup();
	await smtp.close();
	rmSync(home, { recursive: true, force: true });
});

describe(`${DOC} with /usr/bin/aws`, () => {
	it("sets up the seed through the CLI, confirms the subscription from its mail, and the violation is listed and mailed", async () => {
		const [things, certs, topic, confirm, profile, violations] = [0, 1, 2, 3, 4, 5];
		const added = await block(things);
		expect(added).toContain('"thingName": "MyDevice"');
		expect(added).toContain('"thingGroupName": "allMyDevices"');

		await block(certs);
		for (const file of ["MyDevice.api.cert.pem", "MyDevice.api.key.pem", "MyDevice.api.cert.der", "MyDevice.api.key.der"]) expect(existsSync(join(home, file)), file).toBe(true);
		expect(readFileSync(join(home, "MyDevice.api.cert.der"))[0]).toBe(0x30); // DER SEQUENCE

		const subscribed = await block(topic);
		expect(subscribed).toContain('"SubscriptionArn": "pending confirmation"');
		await until(() => smtp.mails.length === 1, "the confirmation mail", 30_000);
		expect(smtp.mails[0].subject).toBe("AWS Notification - Subscription Confirmation");
		const token = /Token: ([0-9a-f]+)/.exec(smtp.mails[0].text)?.[1];
		expect(token).toBeDefined();
		const confirmed = await block(confirm, { TOKEN: String(token) });
		expect(confirmed).toMatch(/"SubscriptionArn": "arn:aws:sns:local:000000000000:MisbehavingDevices:[0-9a-f-]{36}"/);
		expect(confirmed).toContain('"Endpoint": "oncall@example.com"');
		expect(confirmed).not.toContain("PendingConfirmation");

		const attached = await block(profile);
		expect(attached).toContain('"securityProfileName": "CheckRogueDevices"');
		expect(attached).toContain("thinggroup/allMyDevices");
		const target = f.cloud.describeSecurityProfile("CheckRogueDevices")?.alertTargets?.SNS?.alertTargetArn;
		expect(target).toBe("arn:aws:sns:local:000000000000:MisbehavingDevices");

		// the device's part (npm run device … --rogue), short: one report with the rogue interval's bytes out
		const device = await f.connect("MyDevice");
		await report(device, "MyDevice", 1, { ns: { bi: 10, bo: 50_000, pi: 1, po: 400 } });
		f.clock.advance(300_000);
		await until(() => f.cloud.listActiveViolations({ thingName: "MyDevice" }).length > 0, "the violation");

		const listed = await block(violations);
		expect(listed).toMatch(/"behavior": \{\s*"name": "bytesOut"/);
		expect(listed).toContain('"violationEventType": "in-alarm"');
		await until(() => smtp.mails.length >= 2, "the violation mail", 30_000);
		const mail = smtp.mails[1];
		expect([mail.from, mail.to]).toEqual(["defender@example.net", "oncall@example.com"]);
		expect(mail.subject).toBe("Device Defender: MyDevice in-alarm bytesOut (CheckRogueDevices)");
		expect(JSON.parse(mail.text)).toMatchObject({ thingName: "MyDevice", violationEventType: "in-alarm", metricValue: { count: 50_000 } });
	}, 600_000);
});
