/* Dimensions, custom metrics and verification states through the real aws CLI (Debian's /usr/bin/aws). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { nextMessage } from "../helpers/cloud-setup";
import { awsCliRun, type AwsCliResult } from "../helpers/aws-cli";

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

/** `aws iot …` against the API with environment credentials only; the parsed JSON output, or the exit code and stderr. */
function aws(args: string[]): Promise<AwsCliResult> {
	return awsCliRun("iot", args, { home, url: f.api.url, key: f.api.accessKey });
}

describe("Detect definitions through the aws CLI", { timeout: 120_000 }, () => {
	it("create-dimension, describe-dimension, list-dimensions and a refused duplicate", async () => {
		const created = await aws(["create-dimension", "--name", "telemetry", "--type", "TOPIC_FILTER", "--string-values", "telemetry/#", "alerts/+"]);
		expect([created.code, created.json.arn]).toEqual([0, "arn:aws:iot:local:000000000000:dimension/telemetry"]);
		const described = await aws(["describe-dimension", "--name", "telemetry"]);
		expect(described.json.stringValues).toEqual(["telemetry/#", "alerts/+"]);
		expect((await aws(["list-dimensions"])).json.dimensionNames).toEqual(["telemetry"]);
		const again = await aws(["create-dimension", "--name", "telemetry", "--type", "TOPIC_FILTER", "--string-values", "x"]);
		expect([again.code, again.stderr]).toEqual([254, expect.stringContaining("ResourceAlreadyExistsException")]);
	});

	it("create-custom-metric, update-custom-metric, list-custom-metrics and describe of a missing one", async () => {
		expect((await aws(["create-custom-metric", "--metric-name", "heap_free", "--metric-type", "number", "--display-name", "Free heap"])).json.metricName).toBe("heap_free");
		const updated = await aws(["update-custom-metric", "--metric-name", "heap_free", "--display-name", "Free heap (bytes)"]);
		expect([updated.json.displayName, updated.json.metricType]).toEqual(["Free heap (bytes)", "number"]);
		expect((await aws(["list-custom-metrics"])).json.metricNames).toEqual(["heap_free"]);
		const missing = await aws(["describe-custom-metric", "--metric-name", "nope"]);
		expect([missing.code, missing.stderr]).toEqual([254, expect.stringContaining("ResourceNotFoundException")]);
	});

	it("put-verification-state-on-violation, then list-active-violations filtered by it", async () => {
		const behaviors = JSON.stringify([{ name: "heap", metric: "heap_free", criteria: { comparisonOperator: "greater-than", value: { number: 20000 } } }]);
		expect((await aws(["create-security-profile", "--security-profile-name", "Health", "--behaviors", behaviors])).code).toBe(0);
		expect((await aws(["attach-security-profile", "--security-profile-name", "Health", "--security-profile-target-arn", "arn:aws:iot:local:000000000000:all/things"])).code).toBe(0);
		const device = await f.connect("dev1");
		const accepted = "$aws/things/dev1/defender/metrics/json/accepted";
		await device.subscribeAsync(accepted, { qos: 1 });
		const ok = nextMessage(device, accepted);
		device.publish("$aws/things/dev1/defender/metrics/json", JSON.stringify({ hed: { rid: 1, v: "1.0" }, cmet: { heap_free: [{ number: 512 }] } }));
		await ok;
		const active = (await aws(["list-active-violations"])).json.activeViolations as { violationId: string }[];
		expect(active).toHaveLength(1);
		const put = await aws(["put-verification-state-on-violation", "--violation-id", active[0].violationId, "--verification-state", "FALSE_POSITIVE", "--verification-state-description", "heap test build"]);
		expect(put.code).toBe(0);
		const marked = (await aws(["list-active-violations", "--verification-state", "FALSE_POSITIVE"])).json.activeViolations as Record<string, unknown>[];
		expect(marked.map((v) => [v.violationId, v.verificationState, v.verificationStateDescription])).toEqual([[active[0].violationId, "FALSE_POSITIVE", "heap test build"]]);
		expect((await aws(["list-active-violations", "--verification-state", "TRUE_POSITIVE"])).json.activeViolations).toEqual([]);
	});
});
