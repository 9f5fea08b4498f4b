/* The control-plane API driven by the real aws CLI (Debian's /usr/bin/aws, botocore signing as execute-api). */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { report, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { awsCliRun, type AwsCliResult } from "../helpers/aws-cli";

const run = promisify(execFile);
const AWS = "/usr/bin/aws";
let f: ApiFixture;
let home: string;

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), "aws-home-"));
	f = await startApiCloud();
});
afterAll(async () => {
	await f.cleanup();
	rmSync(home, { recursive: true, force: true });
});

/** Runs `aws iot …` against the API with only environment credentials (no user config). */
function aws(args: string[], secret = f.api.accessKey.secretAccessKey, target = f): Promise<AwsCliResult> {
	return awsCliRun("iot", args, { home, url: target.api.url, key: { accessKeyId: target.api.accessKey.accessKeyId, secretAccessKey: secret } });
}

describe("control-plane API through the aws CLI", () => {
	it("runs", { timeout: 120_000 }, async () => {
		const { stdout } = await run(AWS, ["--version"], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home } });
		expect(stdout).toMatch(/^aws-cli\/\d/);
	});

	it("sets up the seed's CheckRogueDevices on allMyDevices and lists the violation a device causes", async () => {
		const profile = await aws(["create-security-profile", "--cli-input-json", `file://${resolve("profiles/CheckRogueDevices.json")}`]);
		expect(profile.stderr).toBe("");
		expect(profile.json.securityProfileName).toBe("CheckRogueDevices");
		const group = await aws(["create-thing-group", "--thing-group-name", "allMyDevices"]);
		expect(group.json.thingGroupArn).toMatch(/:thinggroup\/allMyDevices$/);
		expect((await aws(["create-thing", "--thing-name", "sensor-1"])).json.thingName).toBe("sensor-1");
		expect((await aws(["add-thing-to-thing-group", "--thing-group-name", "allMyDevices", "--thing-name", "sensor-1"])).code).toBe(0);
		const attach = await aws(["attach-security-profile", "--security-profile-name", "CheckRogueDevices", "--security-profile-target-arn", String(group.json.thingGroupArn)]);
		expect([attach.code, attach.stderr]).toEqual([0, ""]);
		expect((await aws(["list-things-in-thing-group", "--thing-group-name", "allMyDevices"])).json.things).toEqual(["sensor-1"]);

		const device = await f.connect("sensor-1");
		const at = f.clock.now();
		await report(device, "sensor-1", 1, { ns: { bi: 10, bo: 20_000, pi: 1, po: 30 } });
		const active = await aws(["list-active-violations", "--thing-name", "sensor-1"]);
		const violations = active.json.activeViolations as { securityProfileName: string; behavior: { name: string }; lastViolationValue: unknown }[];
		expect(violations.map((v) => [v.securityProfileName, v.behavior.name, v.lastViolationValue])).toEqual([["CheckRogueDevices", "bytesOut", { count: 20_000 }]]);
		const range = ["--start-time", String(at / 1000), "--end-time", String(at / 1000 + 60)];
		const events = await aws(["list-violation-events", ...range, "--security-profile-name", "CheckRogueDevices"]);
		expect((events.json.violationEvents as { violationEventType: string }[]).map((e) => e.violationEventType)).toEqual(["in-alarm"]);
		const described = await aws(["describe-security-profile", "--security-profile-name", "CheckRogueDevices"]);
		expect(described.json.version).toBe(1);
	}, 600_000);

	it("refuses a wrong secret and a bad thing name with AWS's error codes", async () => {
		const wrong = await aws(["list-security-profiles"], "not-the-secret-not-the-secret-not-the-se");
		expect(wrong.code).not.toBe(0);
		expect(wrong.stderr).toMatch(/\(InvalidSignatureException\).*signature we calculated does not match/);
		const unsigned = await aws(["list-things", "--no-sign-request"]);
		expect(unsigned.stderr).toMatch(/\(MissingAuthenticationTokenException\)/);
		const badName = await aws(["create-thing", "--thing-name", "no spaces"]);
		expect(badName.stderr).toMatch(/\(InvalidRequestException\)/);
		const conflict = await aws(["update-security-profile", "--security-profile-name", "CheckRogueDevices", "--expected-version", "9", "--security-profile-description", "x"]);
		expect(conflict.stderr).toMatch(/\(VersionConflictException\)/);
	}, 300_000);

	it("talks HTTPS with --ca-bundle pointing at the cloud's CA", async () => {
		const tls = await startApiCloud({ api: { port: 0, https: true } });
		try {
			const out = await aws(["list-thing-groups", "--ca-bundle", join(tls.dir, "pki", "ca.cert.pem")], tls.api.accessKey.secretAccessKey, tls);
			expect([out.code, out.stderr, out.json]).toEqual([0, "", { thingGroups: [] }]);
		} finally {
			await tls.cleanup();
		}
	}, 300_000);
});
