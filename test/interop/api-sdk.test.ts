/* The control-plane API driven by @aws-sdk/client-iot: Detect profiles, live evaluation, things and groups, restart. */
import {
	AddThingToThingGroupCommand,
	AttachSecurityProfileCommand,
	CreateSecurityProfileCommand,
	CreateThingCommand,
	CreateThingGroupCommand,
	DeleteSecurityProfileCommand,
	DeleteThingGroupCommand,
	DescribeEndpointCommand,
	DescribeSecurityProfileCommand,
	DetachSecurityProfileCommand,
	ListActiveViolationsCommand,
	ListMetricValuesCommand,
	ListSecurityProfilesCommand,
	ListSecurityProfilesForTargetCommand,
	ListTagsForResourceCommand,
	ListThingGroupsCommand,
	ListThingsCommand,
	ListThingsInThingGroupCommand,
	RemoveThingFromThingGroupCommand,
	ListTargetsForSecurityProfileCommand,
	ListViolationEventsCommand,
	UpdateSecurityProfileCommand,
	ValidateSecurityProfileBehaviorsCommand,
	type Behavior,
} from "@aws-sdk/client-iot";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { report, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { tempDir } from "../helpers/cloud-setup";

const PORTS: Behavior = { name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8883] } } };

let fixtures: ApiFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

async function start(options = {}, dir?: string): Promise<ApiFixture> {
	const f = await startApiCloud(options, dir);
	fixtures.push(f);
	return f;
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
	const e = (await p.then(() => undefined, (err: unknown) => err)) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
	if (!e) throw new Error("expected the call to fail");
	return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
}

describe("control-plane API through @aws-sdk/client-iot", () => {
	it("creates, versions, attaches, lists and validates security profiles", async () => {
		const { iot } = await start();
		const seed = JSON.parse(readFileSync("profiles/CheckRogueDevices.json", "utf8")) as { securityProfileName: string };
		const created = await iot.send(new CreateSecurityProfileCommand(seed as never));
		expect(created.securityProfileArn).toMatch(/:securityprofile\/CheckRogueDevices$/);
		expect((await rejection(iot.send(new CreateSecurityProfileCommand(seed as never)))).name).toBe("ResourceAlreadyExistsException");
		const group = await iot.send(new CreateThingGroupCommand({ thingGroupName: "allMyDevices" }));
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "CheckRogueDevices", securityProfileTargetArn: group.thingGroupArn }));

		const described = await iot.send(new DescribeSecurityProfileCommand({ securityProfileName: "CheckRogueDevices" }));
		expect(described.version).toBe(1);
		expect(described.behaviors?.map((b) => b.name)).toEqual(["msgReceive", "bytesOut"]);
		expect(described.creationDate).toBeInstanceOf(Date);
		const updated = await iot.send(new UpdateSecurityProfileCommand({ securityProfileName: "CheckRogueDevices", expectedVersion: 1, securityProfileDescription: "v2" }));
		expect([updated.version, updated.securityProfileDescription, updated.behaviors?.length]).toEqual([2, "v2", 2]);
		const stale = await rejection(iot.send(new UpdateSecurityProfileCommand({ securityProfileName: "CheckRogueDevices", expectedVersion: 1, behaviors: [] })));
		expect([stale.name, stale.status]).toEqual(["VersionConflictException", 409]);
		const bad = await rejection(iot.send(new UpdateSecurityProfileCommand({ securityProfileName: "CheckRogueDevices", behaviors: [{ name: "x", metric: "aws:nope" }] })));
		expect([bad.name, bad.status]).toEqual(["InvalidRequestException", 400]);

		expect((await iot.send(new ListSecurityProfilesCommand({}))).securityProfileIdentifiers?.map((p) => p.name)).toEqual(["CheckRogueDevices"]);
		expect((await iot.send(new ListTargetsForSecurityProfileCommand({ securityProfileName: "CheckRogueDevices" }))).securityProfileTargets).toEqual([{ arn: group.thingGroupArn }]);
		const forTarget = await iot.send(new ListSecurityProfilesForTargetCommand({ securityProfileTargetArn: "arn:aws:iot:us-east-1:123456789012:thinggroup/allMyDevices" }));
		expect(forTarget.securityProfileTargetMappings?.map((m) => m.securityProfileIdentifier?.name)).toEqual(["CheckRogueDevices"]);
		const validation = await iot.send(new ValidateSecurityProfileBehaviorsCommand({ behaviors: [{ name: "b", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 1 } } }] }));
		expect(validation.valid).toBe(false);
		expect(validation.validationErrors?.[0].errorMessage).toMatch(/durationSeconds/);
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		const missing = await rejection(iot.send(new DescribeSecurityProfileCommand({ securityProfileName: "Nope" })));
		expect([missing.name, missing.status]).toEqual(["ResourceNotFoundException", 404]);
	});

	it("evaluates a profile created through the API at once, and forgets its violations when detached or deleted", async () => {
		const f = await start();
		const { iot, clock } = f;
		await iot.send(new CreateThingGroupCommand({ thingGroupName: "fleet" }));
		await iot.send(new CreateThingCommand({ thingName: "dev1" }));
		await iot.send(new AddThingToThingGroupCommand({ thingGroupName: "fleet", thingName: "dev1" }));
		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Ports", behaviors: [PORTS] }));
		const fleet = "arn:aws:iot:local:000000000000:thinggroup/fleet";
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Ports", securityProfileTargetArn: fleet }));
		const device = await f.connect("dev1");
		const before = clock.now();
		await report(device, "dev1", 1, { tp: { pts: [{ pt: 8883 }, { pt: 23 }] } });

		const active = await iot.send(new ListActiveViolationsCommand({ securityProfileName: "Ports" }));
		expect(active.activeViolations?.map((v) => [v.thingName, v.behavior?.name, v.lastViolationValue?.ports])).toEqual([["dev1", "ports", [8883, 23]]]);
		expect(active.activeViolations?.[0].violationStartTime?.getTime()).toBe(before);
		const events = await iot.send(new ListViolationEventsCommand({ startTime: new Date(before), endTime: new Date(before + 1000), thingName: "dev1" }));
		expect(events.violationEvents?.map((e) => e.violationEventType)).toEqual(["in-alarm"]);
		expect((await iot.send(new ListViolationEventsCommand({ startTime: new Date(before + 1), endTime: new Date(before + 1000) }))).violationEvents).toEqual([]);
		const values = await iot.send(new ListMetricValuesCommand({ thingName: "dev1", metricName: "aws:listening-tcp-ports", startTime: new Date(before), endTime: new Date(before + 1) }));
		expect(values.metricDatumList?.map((d) => d.value?.ports)).toEqual([[8883, 23]]);

		await iot.send(new DetachSecurityProfileCommand({ securityProfileName: "Ports", securityProfileTargetArn: fleet }));
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Ports", securityProfileTargetArn: "arn:aws:iot:local:000000000000:all/things" }));
		clock.advance(300_000);
		await report(device, "dev1", 2, { tp: { pts: [{ pt: 22 }] } });
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations?.map((v) => v.lastViolationValue?.ports)).toEqual([[22]]);
		const window = { startTime: new Date(before), endTime: new Date(clock.now() + 1), maxResults: 1 };
		const page1 = await iot.send(new ListViolationEventsCommand(window));
		const page2 = await iot.send(new ListViolationEventsCommand({ ...window, nextToken: page1.nextToken }));
		expect([...(page1.violationEvents ?? []), ...(page2.violationEvents ?? [])].map((e) => e.metricValue?.ports)).toEqual([[8883, 23], [22]]);
		expect(page2.nextToken).toBeUndefined();
		expect((await iot.send(new ListViolationEventsCommand({ ...window, maxResults: 10, behaviorCriteriaType: "STATISTICAL" }))).violationEvents).toEqual([]);
		const conflict = await rejection(iot.send(new DeleteSecurityProfileCommand({ securityProfileName: "Ports", expectedVersion: 7 })));
		expect(conflict.name).toBe("VersionConflictException");
		await iot.send(new DeleteSecurityProfileCommand({ securityProfileName: "Ports", expectedVersion: 1 }));
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		clock.advance(300_000);
		await report(device, "dev1", 3, { tp: { pts: [{ pt: 22 }] } });
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		expect((await iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }))).endpointAddress).toBe(`127.0.0.1:${f.cloud.port}`);
	});

	it("keeps API changes and the access key across a restart", async () => {
		const dir = tempDir("api-restart-");
		const options = { dataDir: join(dir, "data"), pkiDir: join(dir, "pki"), clock: new VirtualClock(Date.UTC(2026, 0, 1)) };
		const first = await startApiCloud(options, dir);
		await first.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Ports", behaviors: [PORTS], tags: [{ Key: "team", Value: "fleet" }] }));
		await first.iot.send(new UpdateSecurityProfileCommand({ securityProfileName: "Ports", securityProfileDescription: "kept" }));
		await first.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Gone", behaviors: [PORTS] }));
		await first.iot.send(new DeleteSecurityProfileCommand({ securityProfileName: "Gone" }));
		for (const g of ["kept", "dropped"]) await first.iot.send(new CreateThingGroupCommand({ thingGroupName: g }));
		for (const t of ["t1", "t2"]) {
			await first.iot.send(new CreateThingCommand({ thingName: t }));
			await first.iot.send(new AddThingToThingGroupCommand({ thingGroupName: "kept", thingName: t }));
		}
		await first.iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: "kept", thingName: "t1" }));
		await first.iot.send(new DeleteThingGroupCommand({ thingGroupName: "dropped" }));
		await first.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Ports", securityProfileTargetArn: "arn:aws:iot:local:000000000000:thinggroup/kept" }));
		await first.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Ports", securityProfileTargetArn: "arn:aws:iot:local:000000000000:all/things" }));
		await first.iot.send(new DetachSecurityProfileCommand({ securityProfileName: "Ports", securityProfileTargetArn: "arn:aws:iot:local:000000000000:all/things" }));
		const key = first.api.accessKey;
		first.iot.destroy();
		await first.cloud.stop();

		const second = await start(options, dir);
		expect(second.api.accessKey).toEqual(key);
		const p = await second.iot.send(new DescribeSecurityProfileCommand({ securityProfileName: "Ports" }));
		expect([p.version, p.securityProfileDescription]).toEqual([2, "kept"]);
		expect((await second.iot.send(new ListTagsForResourceCommand({ resourceArn: p.securityProfileArn }))).tags).toEqual([{ Key: "team", Value: "fleet" }]);
		expect((await second.iot.send(new ListSecurityProfilesCommand({}))).securityProfileIdentifiers?.map((i) => i.name)).toEqual(["Ports"]);
		expect((await second.iot.send(new ListThingGroupsCommand({}))).thingGroups?.map((g) => g.groupName)).toEqual(["kept"]);
		expect((await second.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "kept" }))).things).toEqual(["t2"]);
		expect((await second.iot.send(new ListThingsCommand({}))).things?.map((t) => t.thingName)).toEqual(["t1", "t2"]);
		const targets = await second.iot.send(new ListTargetsForSecurityProfileCommand({ securityProfileName: "Ports" }));
		expect(targets.securityProfileTargets).toEqual([{ arn: "arn:aws:iot:local:000000000000:thinggroup/kept" }]);
	});
});
