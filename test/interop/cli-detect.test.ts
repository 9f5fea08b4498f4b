/* `npm run cloud -- dimension|custom-metric|verify`: on the data dir, and through the running cloud's API with --endpoint. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { firstAccessKey } from "../../cloud/api/index";
import type { ApiCloud } from "../../cloud/api/api-cloud";
import { realClock } from "../../cloud/clock";
import { CloudStore } from "../../cloud/store";
import { nextMessage, startTestCloud, tempDir, type CloudFixture } from "../helpers/cloud-setup";
import { runCli } from "../helpers/cli-cloud";

let fx: CloudFixture | undefined;
afterEach(async () => {
	await fx?.cleanup();
	fx = undefined;
});

const cli = runCli;

describe("cloud CLI: dimensions, custom metrics, verification states", { timeout: 240_000 }, () => {
	it("works on the data dir with the API's checks", async () => {
		const dir = tempDir("cli-detect-");
		const base = ["--data", join(dir, "data"), "--pki", join(dir, "pki")];
		const created = await cli({}, "dimension", "create", "telemetry", "--value", "telemetry/#", "--value", "alerts/+", ...base);
		expect([created.code, JSON.parse(created.out).stringValues]).toEqual([0, ["telemetry/#", "alerts/+"]]);
		expect(await cli({}, "dimension", "create", "bad", "--value", "a/#/b", ...base)).toMatchObject({ code: 2, err: "error: InvalidRequest: topic filter a/#/b: # must be a whole last level\n" });
		expect(await cli({}, "custom-metric", "create", "temp", "--type", "number", "--display-name", "Temperature", ...base)).toMatchObject({ code: 0 });
		const profile = join(dir, "p.json");
		const behaviors = [
			{ name: "hot", metric: "temp", criteria: { comparisonOperator: "less-than", value: { number: 80 } } },
			{ name: "chatty", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "telemetry", operator: "NOT_IN" }, criteria: { comparisonOperator: "less-than", value: { count: 5 }, durationSeconds: 300 } },
		];
		writeFileSync(profile, JSON.stringify({ securityProfileName: "P", behaviors }));
		expect((await cli({}, "profile", "create", "--file", profile, ...base)).code).toBe(0);
		writeFileSync(profile, JSON.stringify({ securityProfileName: "Q", behaviors: [{ ...behaviors[0], metric: "humidity" }] }));
		expect(await cli({}, "profile", "create", "--file", profile, ...base)).toMatchObject({ code: 2, err: expect.stringContaining("custom metric humidity does not exist") });
		expect(await cli({}, "dimension", "delete", "telemetry", ...base)).toMatchObject({ code: 2, err: expect.stringContaining("dimension telemetry is used by security profile(s) P") });
		expect(await cli({}, "custom-metric", "delete", "temp", ...base)).toMatchObject({ code: 2, err: expect.stringContaining("custom metric temp is used by security profile(s) P") });
		expect(JSON.parse((await cli({}, "custom-metric", "update", "temp", "--display-name", "Board", ...base)).out)).toMatchObject({ metricName: "temp", metricType: "number", displayName: "Board" });
		expect(JSON.parse((await cli({}, "custom-metric", "list", ...base)).out)).toEqual({ metricNames: ["temp"] });
		expect(await cli({}, "verify", "nope", "--state", "TRUE_POSITIVE", ...base)).toMatchObject({ code: 2, err: "error: InvalidRequest: violation nope does not exist\n" });
		expect(await cli({}, "verify", "nope", "--state", "MAYBE", ...base)).toMatchObject({ code: 2, err: expect.stringContaining("--state must be one of TRUE_POSITIVE") });
	});

	it("goes through the running cloud's API with --endpoint", async () => {
		const dir = tempDir("cli-detect-api-");
		const data = join(dir, "data");
		fx = await startTestCloud({ dataDir: data, api: { port: 0 }, clock: realClock as never }, dir);
		const cloud = fx.cloud as ApiCloud;
		const store = new CloudStore(data);
		const key = firstAccessKey(store);
		store.close();
		const env = { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
		const url = cloud.api?.url ?? "";
		const created = await cli(env, "dimension", "create", "telemetry", "--value", "telemetry/#", "--endpoint", url);
		expect([created.code, JSON.parse(created.out).arn]).toEqual([0, "arn:aws:iot:local:000000000000:dimension/telemetry"]);
		expect(cloud.definitions.describeDimension("telemetry").stringValues).toEqual(["telemetry/#"]);
		expect((await cli(env, "custom-metric", "create", "temp", "--type", "number", "--endpoint", url)).code).toBe(0);
		expect(cloud.definitions.customMetric("temp")?.metricType).toBe("number");
		const missing = await cli(env, "custom-metric", "describe", "nope", "--endpoint", url);
		expect([missing.code, missing.err]).toEqual([2, expect.stringContaining("ResourceNotFoundException")]);
		expect(await cli(env, "verify", "nope", "--state", "FALSE_POSITIVE", "--endpoint", url)).toMatchObject({ code: 2, err: expect.stringContaining("violation nope does not exist") });

		cloud.createSecurityProfile({ securityProfileName: "Hot", behaviors: [{ name: "hot", metric: "temp", criteria: { comparisonOperator: "less-than", value: { number: 80 } } }] });
		cloud.attachSecurityProfile("Hot", cloud.allThingsArn);
		const device = await fx.connect("dev1");
		const accepted = "$aws/things/dev1/defender/metrics/json/accepted";
		await device.subscribeAsync(accepted, { qos: 1 });
		const ok = nextMessage(device, accepted);
		device.publish("$aws/things/dev1/defender/metrics/json", JSON.stringify({ hed: { rid: 1, v: "1.0" }, cmet: { temp: [{ number: 99 }] } }));
		await ok;
		const [violation] = cloud.listActiveViolations();
		expect(await cli(env, "verify", violation?.violationId ?? "", "--state", "TRUE_POSITIVE", "--description", "real", "--endpoint", url)).toMatchObject({ code: 0 });
		expect(cloud.listActiveViolations({ verificationState: "TRUE_POSITIVE" }).map((v) => v.verificationStateDescription)).toEqual(["real"]);
		await cloud.stop();
		const listed = JSON.parse((await cli({}, "violations", "--data", data)).out) as { activeViolations: { verificationState?: string }[] };
		expect(listed.activeViolations.map((v) => v.verificationState)).toEqual(["TRUE_POSITIVE"]);
	});
});
