/*
 * ML Detect end to end: a profile with an ML behavior created through @aws-sdk/client-iot, device reports over
 * MQTT on the virtual clock, GetBehaviorModelTrainingSummaries (SDK) from PENDING_BUILD with progress to ACTIVE,
 * an anomaly raising an ML violation with its confidence level, the model kept across a restart, and the
 * aws CLI's get-behavior-model-training-summaries, and our CLI's `ml-models` through the API and from the data dir.
 */
import {
	AttachSecurityProfileCommand,
	CreateSecurityProfileCommand,
	GetBehaviorModelTrainingSummariesCommand,
	ListActiveViolationsCommand,
	ListViolationEventsCommand,
} from "@aws-sdk/client-iot";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ALL_THINGS_ARN } from "../../cloud/index";
import { report, sdkFailure, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { tempDir } from "../helpers/cloud-setup";
import { awsCli } from "../helpers/aws-cli";

const run = promisify(execFile);
const CLI = resolve(__dirname, "../../cloud/cli.ts");
const ML = { trainingDays: 2 / 24, minDatapoints: 20 };
const behavior = { name: "bytes-out", metric: "aws:all-bytes-out", criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" as const } } };

let fixture: ApiFixture | undefined;
let dir: string | undefined;
afterEach(async () => {
	await fixture?.cleanup();
	fixture = undefined;
	if (dir) rmSync(dir, { recursive: true, force: true });
});

async function summaries(f: ApiFixture): Promise<Record<string, unknown>[]> {
	const out = await f.iot.send(new GetBehaviorModelTrainingSummariesCommand({ securityProfileName: "ml" }));
	return (out.summaries ?? []) as Record<string, unknown>[];
}

/** Debian's aws CLI (botocore), environment credentials only. */
function botocore(f: ApiFixture, args: string[]): Promise<Record<string, unknown>> {
	return awsCli("iot", args, { home: dir ?? "/tmp", url: f.api.url, key: f.api.accessKey });
}

async function cli(args: string[]): Promise<Record<string, unknown>> {
	const { stdout } = await run(process.execPath, ["--import", "tsx", CLI, ...args], { timeout: 120_000, env: { ...process.env, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" } });
	return JSON.parse(stdout) as Record<string, unknown>;
}

describe("GetBehaviorModelTrainingSummaries and ML violations through the API", () => {
	it("pending with progress, active after the training period, alarms on an anomaly, survives a restart", async () => {
		dir = tempDir("ml-api-");
		const dataDir = join(dir, "data");
		const f = (fixture = await startApiCloud({ dataDir, ml: ML }, dir));
		const start = f.clock.now();
		await f.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "ml", behaviors: [behavior] }));
		await f.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "ml", securityProfileTargetArn: ALL_THINGS_ARN }));
		f.cloud.tick();
		expect(await summaries(f)).toEqual([
			{ securityProfileName: "ml", behaviorName: "bytes-out", modelStatus: "PENDING_BUILD", datapointsCollectionPercentage: 0, trainingDataCollectionStartDate: new Date(start) },
		]);

		const device = await f.connect("dev-ml");
		for (let rid = 1; rid <= 12; rid++) {
			f.clock.advance(300_000);
			await report(device, "dev-ml", rid, { ns: { bi: 100, bo: 10_000 + (rid % 4) * 300, pi: 5, po: 9 } });
		}
		// progress as of the hourly recount at start + 1 h, which ran before that hour's report: 11 of 20
		expect((await summaries(f))[0]).toMatchObject({ modelStatus: "PENDING_BUILD", datapointsCollectionPercentage: 55 });
		for (let rid = 13; rid <= 24; rid++) {
			f.clock.advance(300_000);
			await report(device, "dev-ml", rid, { ns: { bi: 100, bo: 10_000 + (rid % 4) * 300, pi: 5, po: 9 } });
		}
		f.clock.advance(120_000);
		// trained on the tick that ends the 2-hour collection period (23 datapoints by then)
		const trained = start + 2 * 3_600_000;
		expect((await summaries(f))[0]).toMatchObject({ modelStatus: "ACTIVE", datapointsCollectionPercentage: 100, lastModelRefreshDate: new Date(trained) });

		f.clock.advance(300_000);
		await report(device, "dev-ml", 25, { ns: { bi: 100, bo: 400_000, pi: 5, po: 9 } });
		const active = await f.iot.send(new ListActiveViolationsCommand({ securityProfileName: "ml" }));
		expect(active.activeViolations?.map((v) => [v.thingName, v.behavior?.name, v.violationEventAdditionalInfo?.confidenceLevel])).toEqual([["dev-ml", "bytes-out", "HIGH"]]);
		const events = await f.iot.send(new ListViolationEventsCommand({ startTime: new Date(start), endTime: new Date(f.clock.now() + 1000), behaviorCriteriaType: "MACHINE_LEARNING" }));
		expect(events.violationEvents?.map((e) => [e.violationEventType, e.violationEventAdditionalInfo?.confidenceLevel, e.metricValue?.count])).toEqual([["in-alarm", "HIGH", 400_000]]);

		// the aws CLI and ours through the API
		const aws = await botocore(f, ["get-behavior-model-training-summaries", "--security-profile-name", "ml"]);
		expect(aws.summaries).toMatchObject([{ securityProfileName: "ml", behaviorName: "bytes-out", modelStatus: "ACTIVE", datapointsCollectionPercentage: 100 }]);
		const viaApi = await cli(["ml-models", "--endpoint", f.api.url, "--data", dataDir, "--profile", "ml"]);
		expect(viaApi.summaries).toMatchObject([{ behaviorName: "bytes-out", modelStatus: "ACTIVE" }]);
		expect(await sdkFailure(f.iot.send(new GetBehaviorModelTrainingSummariesCommand({ securityProfileName: "nope" })))).toEqual(["ResourceNotFoundException", 404]);

		// restart on the same data dir: the model is kept, no 2 hours of collection again
		device.end(true);
		await f.cloud.stop();
		fixture = undefined;
		const g = (fixture = await startApiCloud({ dataDir, ml: ML, clock: f.clock }, dir));
		g.cloud.tick();
		expect((await summaries(g))[0]).toMatchObject({ modelStatus: "ACTIVE", lastModelRefreshDate: new Date(trained), trainingDataCollectionStartDate: new Date(start) });
		await g.cloud.stop();
		fixture = undefined;

		// the CLI on the data dir (no cloud running)
		const local = await cli(["ml-models", "--data", dataDir]);
		expect(local.summaries).toMatchObject([{ securityProfileName: "ml", behaviorName: "bytes-out", modelStatus: "ACTIVE", datapointsCollectionPercentage: 100 }]);
	}, 180_000);
});
