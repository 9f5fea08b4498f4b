/* Dimensions, the custom metric registry and verification states through @aws-sdk/client-iot, errors included. */
import {
	CreateCustomMetricCommand,
	CreateDimensionCommand,
	CreateSecurityProfileCommand,
	AttachSecurityProfileCommand,
	DeleteCustomMetricCommand,
	DeleteDimensionCommand,
	DeleteSecurityProfileCommand,
	DescribeCustomMetricCommand,
	DescribeDimensionCommand,
	ListActiveViolationsCommand,
	ListCustomMetricsCommand,
	ListDimensionsCommand,
	ListMetricValuesCommand,
	ListSecurityProfilesCommand,
	ListTagsForResourceCommand,
	ListViolationEventsCommand,
	PutVerificationStateOnViolationCommand,
	UpdateCustomMetricCommand,
	UpdateDimensionCommand,
	ValidateSecurityProfileBehaviorsCommand,
	type Behavior,
} from "@aws-sdk/client-iot";
import { afterEach, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { sdkFailure, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { nextMessage, until } from "../helpers/cloud-setup";

const ALL = "arn:aws:iot:local:000000000000:all/things";

/** Publishes one JSON report with only custom metrics and waits for the accepted reply. */
async function report(device: MqttClient, thing: string, rid: number, cmet: object): Promise<void> {
	const accepted = `$aws/things/${thing}/defender/metrics/json/accepted`;
	await device.subscribeAsync(accepted, { qos: 1 });
	const ok = nextMessage(device, accepted);
	device.publish(`$aws/things/${thing}/defender/metrics/json`, JSON.stringify({ hed: { rid, v: "1.0" }, cmet }));
	await ok;
}
let fixture: ApiFixture | undefined;
afterEach(async () => {
	await fixture?.cleanup();
	fixture = undefined;
});

async function start(): Promise<ApiFixture> {
	fixture = await startApiCloud({ allowTopics: ["telemetry/#", "chat/#"] });
	return fixture;
}

const scoped = (operator: "IN" | "NOT_IN"): Behavior => ({
	name: `chatty-${operator}`,
	metric: "aws:num-messages-sent",
	metricDimension: { dimensionName: "telemetry", operator },
	criteria: { comparisonOperator: "less-than-equals", value: { count: 2 }, durationSeconds: 300 },
});

describe("dimensions through the API", () => {
	it("creates, describes, lists, updates and deletes a TOPIC_FILTER dimension, with AWS's errors", async () => {
		const { iot } = await start();
		const created = await iot.send(new CreateDimensionCommand({ name: "telemetry", type: "TOPIC_FILTER", stringValues: ["telemetry/#"], tags: [{ Key: "team", Value: "ops" }] }));
		expect(created).toMatchObject({ name: "telemetry", arn: "arn:aws:iot:local:000000000000:dimension/telemetry" });
		expect(await sdkFailure(iot.send(new CreateDimensionCommand({ name: "telemetry", type: "TOPIC_FILTER", stringValues: ["other"] })))).toEqual(["ResourceAlreadyExistsException", 409]);
		expect(await sdkFailure(iot.send(new CreateDimensionCommand({ name: "bad", type: "TOPIC_FILTER", stringValues: ["a/#/b"] })))).toEqual(["InvalidRequestException", 400]);
		expect(await sdkFailure(iot.send(new CreateDimensionCommand({ name: "bad", type: "IP" as "TOPIC_FILTER", stringValues: ["a"] })))).toEqual(["InvalidRequestException", 400]);

		const described = await iot.send(new DescribeDimensionCommand({ name: "telemetry" }));
		expect([described.type, described.stringValues, described.creationDate instanceof Date]).toEqual(["TOPIC_FILTER", ["telemetry/#"], true]);
		expect((await iot.send(new ListTagsForResourceCommand({ resourceArn: created.arn }))).tags).toEqual([{ Key: "team", Value: "ops" }]);
		expect(await sdkFailure(iot.send(new DescribeDimensionCommand({ name: "nope" })))).toEqual(["ResourceNotFoundException", 404]);
		await iot.send(new CreateDimensionCommand({ name: "alerts", type: "TOPIC_FILTER", stringValues: ["alerts/+"] }));
		const page1 = await iot.send(new ListDimensionsCommand({ maxResults: 1 }));
		const page2 = await iot.send(new ListDimensionsCommand({ maxResults: 1, nextToken: page1.nextToken }));
		expect([...(page1.dimensionNames ?? []), ...(page2.dimensionNames ?? [])]).toEqual(["alerts", "telemetry"]);

		const updated = await iot.send(new UpdateDimensionCommand({ name: "telemetry", stringValues: ["telemetry/#", "${iot:ClientId}/data"] }));
		expect(updated.stringValues).toEqual(["telemetry/#", "${iot:ClientId}/data"]);
		expect(await sdkFailure(iot.send(new UpdateDimensionCommand({ name: "nope", stringValues: ["a"] })))).toEqual(["ResourceNotFoundException", 404]);
		expect(await sdkFailure(iot.send(new UpdateDimensionCommand({ name: "telemetry", stringValues: [] })))).toEqual(["InvalidRequestException", 400]);

		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Scoped", behaviors: [scoped("IN")] }));
		const onDevice = { ...scoped("IN"), metric: "aws:all-bytes-out" };
		expect(await sdkFailure(iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Wrong", behaviors: [onDevice] })))).toEqual(["InvalidRequestException", 400]);
		const validation = await iot.send(new ValidateSecurityProfileBehaviorsCommand({ behaviors: [{ ...scoped("IN"), metricDimension: { dimensionName: "nope" } }] }));
		expect(validation.validationErrors?.map((e) => e.errorMessage)).toEqual(["Behavior chatty-IN: dimension nope does not exist"]);
		const using = await iot.send(new ListSecurityProfilesCommand({ dimensionName: "telemetry" }));
		expect(using.securityProfileIdentifiers?.map((p) => p.name)).toEqual(["Scoped"]);
		expect((await iot.send(new ListSecurityProfilesCommand({ dimensionName: "alerts" }))).securityProfileIdentifiers).toEqual([]);
		expect(await sdkFailure(iot.send(new DeleteDimensionCommand({ name: "telemetry" })))).toEqual(["InvalidRequestException", 400]);
		await iot.send(new DeleteSecurityProfileCommand({ securityProfileName: "Scoped" }));
		await iot.send(new DeleteDimensionCommand({ name: "telemetry" }));
		expect((await iot.send(new ListDimensionsCommand({}))).dimensionNames).toEqual(["alerts"]);
		expect(await sdkFailure(iot.send(new DescribeDimensionCommand({ name: "telemetry" })))).toEqual(["ResourceNotFoundException", 404]);
	});

	it("counts a device's messages per dimension: IN alarms on telemetry, NOT_IN on the rest", async () => {
		const f = await start();
		const { iot, clock } = f;
		await iot.send(new CreateDimensionCommand({ name: "telemetry", type: "TOPIC_FILTER", stringValues: ["telemetry/#"] }));
		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "In", behaviors: [scoped("IN")] }));
		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "NotIn", behaviors: [scoped("NOT_IN")] }));
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "In", securityProfileTargetArn: ALL }));
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "NotIn", securityProfileTargetArn: ALL }));
		const device = await f.connect("dev1");
		for (const topic of ["telemetry/a", "telemetry/b", "telemetry/c", "chat/x"]) await device.publishAsync(topic, "x", { qos: 1 });
		await until(() => f.cloud.metrics("dev1")["aws:num-messages-sent"] === 4, "4 messages counted");
		clock.advance(300_000);
		const active = await iot.send(new ListActiveViolationsCommand({}));
		expect(active.activeViolations?.map((v) => [v.securityProfileName, v.behavior?.metricDimension, v.lastViolationValue?.count])).toEqual([["In", { dimensionName: "telemetry", operator: "IN" }, 3]]);
		const range = { thingName: "dev1", metricName: "aws:num-messages-sent", startTime: new Date(0), endTime: new Date(clock.now() + 1) };
		const counts = async (extra: object): Promise<(number | undefined)[] | undefined> =>
			(await iot.send(new ListMetricValuesCommand({ ...range, ...extra }))).metricDatumList?.map((d) => d.value?.count);
		expect([await counts({}), await counts({ dimensionName: "telemetry" }), await counts({ dimensionName: "telemetry", dimensionValueOperator: "NOT_IN" })]).toEqual([[4], [3], [1]]);
		expect(await sdkFailure(iot.send(new ListMetricValuesCommand({ ...range, dimensionName: "nope" })))).toEqual(["ResourceNotFoundException", 404]);
	});
});

describe("custom metric registry through the API", () => {
	it("creates, describes, lists, updates and deletes custom metrics, with AWS's errors", async () => {
		const { iot } = await start();
		const created = await iot.send(new CreateCustomMetricCommand({ metricName: "temperature", metricType: "number", displayName: "Temperature", tags: [{ Key: "k", Value: "v" }] }));
		expect(created).toMatchObject({ metricName: "temperature", metricArn: "arn:aws:iot:local:000000000000:custommetric/temperature" });
		expect(await sdkFailure(iot.send(new CreateCustomMetricCommand({ metricName: "temperature", metricType: "number" })))).toEqual(["ResourceAlreadyExistsException", 409]);
		expect(await sdkFailure(iot.send(new CreateCustomMetricCommand({ metricName: "bad", metricType: "float" as "number" })))).toEqual(["InvalidRequestException", 400]);
		expect(await sdkFailure(iot.send(new CreateCustomMetricCommand({ metricName: "aws:mine", metricType: "number" })))).toEqual(["InvalidRequestException", 400]);
		for (const [metricName, metricType] of [["procs", "string-list"], ["peers", "ip-address-list"], ["modes", "number-list"]] as const) {
			await iot.send(new CreateCustomMetricCommand({ metricName, metricType }));
		}
		const described = await iot.send(new DescribeCustomMetricCommand({ metricName: "temperature" }));
		expect([described.metricType, described.displayName, described.lastModifiedDate instanceof Date]).toEqual(["number", "Temperature", true]);
		expect(await sdkFailure(iot.send(new DescribeCustomMetricCommand({ metricName: "nope" })))).toEqual(["ResourceNotFoundException", 404]);
		expect((await iot.send(new ListCustomMetricsCommand({}))).metricNames).toEqual(["modes", "peers", "procs", "temperature"]);
		const updated = await iot.send(new UpdateCustomMetricCommand({ metricName: "temperature", displayName: "Board temperature" }));
		expect([updated.displayName, updated.metricType]).toEqual(["Board temperature", "number"]);
		expect(await sdkFailure(iot.send(new UpdateCustomMetricCommand({ metricName: "nope", displayName: "x" })))).toEqual(["ResourceNotFoundException", 404]);
		const tags = await iot.send(new ListTagsForResourceCommand({ resourceArn: created.metricArn }));
		expect(tags.tags).toEqual([{ Key: "k", Value: "v" }]);

		const unregistered: Behavior = { name: "cpu", metric: "cpu_usage", criteria: { comparisonOperator: "less-than", value: { number: 80 } } };
		expect(await sdkFailure(iot.send(new CreateSecurityProfileCommand({ securityProfileName: "P", behaviors: [unregistered] })))).toEqual(["InvalidRequestException", 400]);
		const wrongShape: Behavior = { name: "procs", metric: "procs", criteria: { comparisonOperator: "less-than", value: { number: 1 } } };
		expect(await sdkFailure(iot.send(new CreateSecurityProfileCommand({ securityProfileName: "P", behaviors: [wrongShape] })))).toEqual(["InvalidRequestException", 400]);
		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "P", behaviors: [{ ...unregistered, metric: "temperature" }] }));
		expect(await sdkFailure(iot.send(new DeleteCustomMetricCommand({ metricName: "temperature" })))).toEqual(["InvalidRequestException", 400]);
		await iot.send(new DeleteCustomMetricCommand({ metricName: "procs" }));
		await iot.send(new DeleteCustomMetricCommand({ metricName: "procs" }));
		expect((await iot.send(new ListCustomMetricsCommand({}))).metricNames).toEqual(["modes", "peers", "temperature"]);
	});

	it("evaluates a report's registered custom metric, and shows the unknown and wrongly typed ones as not evaluated", async () => {
		const f = await start();
		const { iot, clock } = f;
		await iot.send(new CreateCustomMetricCommand({ metricName: "temperature", metricType: "number" }));
		const hot: Behavior = { name: "hot", metric: "temperature", criteria: { comparisonOperator: "less-than", value: { number: 80 } } };
		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Temp", behaviors: [hot] }));
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Temp", securityProfileTargetArn: ALL }));
		const device = await f.connect("dev1");
		await report(device, "dev1", 1, { temperature: [{ string_list: ["hot"] }], humidity: [{ number: 99 }] });
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		const status = f.cloud.metrics("dev1");
		expect([status.reportsAccepted, status.customMetricsIgnored, status.lastIgnoredCustomMetric?.name]).toEqual([1, 2, "humidity"]);
		expect(f.logs).toContain("report: dev1 custom metric temperature not evaluated: wrong type: sent as string-list, registered as number");
		clock.advance(300_000);
		await report(device, "dev1", 2, { temperature: [{ number: 95 }] });
		const active = await iot.send(new ListActiveViolationsCommand({}));
		expect(active.activeViolations?.map((v) => [v.behavior?.name, v.lastViolationValue?.number])).toEqual([["hot", 95]]);
	});
});

describe("verification states through the API", () => {
	it("marks active and historical violations, lists and filters them, and refuses unknown ids and states", async () => {
		const f = await start();
		const { iot, clock } = f;
		const start0 = clock.now();
		await iot.send(new CreateCustomMetricCommand({ metricName: "temperature", metricType: "number" }));
		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Temp", behaviors: [{ name: "hot", metric: "temperature", criteria: { comparisonOperator: "less-than", value: { number: 80 } } }] }));
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Temp", securityProfileTargetArn: ALL }));
		const device = await f.connect("dev1");
		await report(device, "dev1", 1, { temperature: [{ number: 95 }] });
		const [first] = (await iot.send(new ListActiveViolationsCommand({}))).activeViolations ?? [];
		const id = first?.violationId ?? "";
		expect(first?.verificationState).toBeUndefined();
		await iot.send(new PutVerificationStateOnViolationCommand({ violationId: id, verificationState: "BENIGN_POSITIVE", verificationStateDescription: "oven test" }));
		const marked = await iot.send(new ListActiveViolationsCommand({ verificationState: "BENIGN_POSITIVE" }));
		expect(marked.activeViolations?.map((v) => [v.violationId, v.verificationState, v.verificationStateDescription])).toEqual([[id, "BENIGN_POSITIVE", "oven test"]]);
		expect((await iot.send(new ListActiveViolationsCommand({ verificationState: "UNKNOWN" }))).activeViolations).toEqual([]);

		clock.advance(300_000);
		await report(device, "dev1", 2, { temperature: [{ number: 20 }] });
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		await iot.send(new PutVerificationStateOnViolationCommand({ violationId: id, verificationState: "TRUE_POSITIVE" }));
		const range = { startTime: new Date(start0), endTime: new Date(clock.now() + 1) };
		const history = await iot.send(new ListViolationEventsCommand({ ...range, verificationState: "TRUE_POSITIVE" }));
		expect(history.violationEvents?.map((e) => [e.violationEventType, e.verificationState])).toEqual([
			["in-alarm", "TRUE_POSITIVE"],
			["alarm-cleared", "TRUE_POSITIVE"],
		]);
		expect((await iot.send(new ListViolationEventsCommand({ ...range, verificationState: "UNKNOWN" }))).violationEvents).toEqual([]);
		expect((await iot.send(new ListViolationEventsCommand({ ...range, verificationState: "FALSE_POSITIVE" }))).violationEvents).toEqual([]);

		expect(await sdkFailure(iot.send(new PutVerificationStateOnViolationCommand({ violationId: "no-such-violation", verificationState: "FALSE_POSITIVE" })))).toEqual(["InvalidRequestException", 400]);
		expect(await sdkFailure(iot.send(new PutVerificationStateOnViolationCommand({ violationId: id, verificationState: "MAYBE" as "UNKNOWN" })))).toEqual(["InvalidRequestException", 400]);
		expect(await sdkFailure(iot.send(new ListActiveViolationsCommand({ verificationState: "MAYBE" as "UNKNOWN" })))).toEqual(["InvalidRequestException", 400]);
	});
});
