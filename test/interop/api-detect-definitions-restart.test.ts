/* Dimensions, custom metrics and verification states survive a restart of the cloud on the same data dir. */
import {
	AttachSecurityProfileCommand,
	CreateCustomMetricCommand,
	CreateDimensionCommand,
	CreateSecurityProfileCommand,
	DeleteDimensionCommand,
	DescribeCustomMetricCommand,
	DescribeDimensionCommand,
	ListActiveViolationsCommand,
	ListViolationEventsCommand,
	PutVerificationStateOnViolationCommand,
	type Behavior,
} from "@aws-sdk/client-iot";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { sdkFailure, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { nextMessage, tempDir } from "../helpers/cloud-setup";

let fixtures: ApiFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

describe("Detect definitions across a restart", () => {
	it("keeps dimensions, custom metrics, their use by profiles and verification states", async () => {
		const dir = tempDir("detect-restart-");
		const clock = new VirtualClock(Date.UTC(2026, 0, 1));
		const options = { dataDir: join(dir, "data"), pkiDir: join(dir, "pki"), clock };
		const first = await startApiCloud(options, dir);
		await first.iot.send(new CreateDimensionCommand({ name: "telemetry", type: "TOPIC_FILTER", stringValues: ["telemetry/#"] }));
		await first.iot.send(new CreateCustomMetricCommand({ metricName: "temp", metricType: "number", displayName: "T" }));
		const behaviors: Behavior[] = [
			{ name: "hot", metric: "temp", criteria: { comparisonOperator: "less-than", value: { number: 80 } } },
			{ name: "chatty", metric: "aws:num-messages-sent", metricDimension: { dimensionName: "telemetry" }, criteria: { comparisonOperator: "less-than", value: { count: 50 }, durationSeconds: 300 } },
		];
		await first.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "P", behaviors }));
		await first.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "P", securityProfileTargetArn: "arn:aws:iot:local:000000000000:all/things" }));
		const device = await first.connect("dev1");
		const accepted = "$aws/things/dev1/defender/metrics/json/accepted";
		await device.subscribeAsync(accepted, { qos: 1 });
		const ok = nextMessage(device, accepted);
		device.publish("$aws/things/dev1/defender/metrics/json", JSON.stringify({ hed: { rid: 1, v: "1.0" }, cmet: { temp: [{ number: 99 }] } }));
		await ok;
		const [violation] = (await first.iot.send(new ListActiveViolationsCommand({}))).activeViolations ?? [];
		await first.iot.send(new PutVerificationStateOnViolationCommand({ violationId: violation?.violationId, verificationState: "TRUE_POSITIVE", verificationStateDescription: "real" }));
		device.end(true);
		first.iot.destroy();
		await first.cloud.stop();

		const second = await startApiCloud(options, dir);
		fixtures = [second];
		expect((await second.iot.send(new DescribeDimensionCommand({ name: "telemetry" }))).stringValues).toEqual(["telemetry/#"]);
		expect((await second.iot.send(new DescribeCustomMetricCommand({ metricName: "temp" }))).displayName).toBe("T");
		expect(await sdkFailure(second.iot.send(new DeleteDimensionCommand({ name: "telemetry" })))).toEqual(["InvalidRequestException", 400]);
		const active = await second.iot.send(new ListActiveViolationsCommand({ verificationState: "TRUE_POSITIVE" }));
		expect(active.activeViolations?.map((v) => [v.violationId, v.verificationStateDescription])).toEqual([[violation?.violationId, "real"]]);
		const events = await second.iot.send(new ListViolationEventsCommand({ startTime: new Date(0), endTime: new Date(clock.now() + 1), verificationState: "TRUE_POSITIVE" }));
		expect(events.violationEvents?.map((e) => [e.violationEventType, e.verificationState])).toEqual([["in-alarm", "TRUE_POSITIVE"]]);
	});
});
