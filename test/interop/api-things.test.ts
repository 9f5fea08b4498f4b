/* Things and thing groups through @aws-sdk/client-iot: validation, idempotent create, paging, membership driving Detect. */
import {
	AddThingToThingGroupCommand,
	AttachSecurityProfileCommand,
	CreateSecurityProfileCommand,
	CreateThingCommand,
	CreateThingGroupCommand,
	DeleteThingCommand,
	DeleteThingGroupCommand,
	DescribeThingCommand,
	DescribeThingGroupCommand,
	ListActiveViolationsCommand,
	ListTagsForResourceCommand,
	ListThingGroupsCommand,
	ListThingGroupsForThingCommand,
	ListThingsCommand,
	ListThingsInThingGroupCommand,
	RemoveThingFromThingGroupCommand,
	TagResourceCommand,
	UntagResourceCommand,
} from "@aws-sdk/client-iot";
import { afterEach, describe, expect, it } from "vitest";
import { THING_NAME_MAX } from "../../modules/facts/facts";
import { report, sdkFailure as failure, startApiCloud, type ApiFixture } from "../helpers/api-setup";

let fixtures: ApiFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

describe("things and thing groups through @aws-sdk/client-iot", () => {
	it("creates, describes, lists, pages and deletes things", async () => {
		const f = await startApiCloud();
		fixtures.push(f);
		const { iot } = f;
		const a = await iot.send(new CreateThingCommand({ thingName: "thing-a", attributePayload: { attributes: { model: "esp32-s3" } } }));
		expect(a.thingArn).toBe("arn:aws:iot:local:000000000000:thing/thing-a");
		const again = await iot.send(new CreateThingCommand({ thingName: "thing-a", attributePayload: { attributes: { model: "esp32-s3" } } }));
		expect(again.thingId).toBe(a.thingId);
		expect(await failure(iot.send(new CreateThingCommand({ thingName: "thing-a", attributePayload: { attributes: { model: "other" } } })))).toEqual(["ResourceAlreadyExistsException", 409]);
		for (const bad of ["has space", "x".repeat(THING_NAME_MAX + 1), "emoji-🙂"]) {
			expect(await failure(iot.send(new CreateThingCommand({ thingName: bad })))).toEqual(["InvalidRequestException", 400]);
		}
		await iot.send(new CreateThingCommand({ thingName: "thing-b", attributePayload: { attributes: { model: "esp32" } } }));
		await iot.send(new CreateThingCommand({ thingName: "thing-c" }));
		const d = await iot.send(new DescribeThingCommand({ thingName: "thing-a" }));
		expect([d.thingName, d.defaultClientId, d.version, d.attributes]).toEqual(["thing-a", "thing-a", 1, { model: "esp32-s3" }]);
		const first = await iot.send(new ListThingsCommand({ maxResults: 2 }));
		expect(first.things?.map((t) => t.thingName)).toEqual(["thing-a", "thing-b"]);
		const second = await iot.send(new ListThingsCommand({ maxResults: 2, nextToken: first.nextToken }));
		expect([second.things?.map((t) => t.thingName), second.nextToken]).toEqual([["thing-c"], undefined]);
		const esp = await iot.send(new ListThingsCommand({ attributeName: "model", attributeValue: "esp32", usePrefixAttributeValue: true }));
		expect(esp.things?.map((t) => t.thingName)).toEqual(["thing-a", "thing-b"]);
		expect(await failure(iot.send(new ListThingsCommand({ nextToken: "bogus" })))).toEqual(["InvalidRequestException", 400]);
		expect(await failure(iot.send(new DeleteThingCommand({ thingName: "thing-c", expectedVersion: 2 })))).toEqual(["VersionConflictException", 409]);
		await iot.send(new DeleteThingCommand({ thingName: "thing-c", expectedVersion: 1 }));
		expect(await failure(iot.send(new DescribeThingCommand({ thingName: "thing-c" })))).toEqual(["ResourceNotFoundException", 404]);
	});

	it("manages groups whose membership decides what Detect evaluates", async () => {
		const f = await startApiCloud();
		fixtures.push(f);
		const { iot, clock } = f;
		const g = await iot.send(new CreateThingGroupCommand({ thingGroupName: "lab", thingGroupProperties: { thingGroupDescription: "bench devices" }, tags: [{ Key: "site", Value: "A" }] }));
		await iot.send(new TagResourceCommand({ resourceArn: g.thingGroupArn, tags: [{ Key: "owner", Value: "ops" }, { Key: "site", Value: "B" }] }));
		await iot.send(new UntagResourceCommand({ resourceArn: g.thingGroupArn, tagKeys: ["owner"] }));
		expect((await iot.send(new ListTagsForResourceCommand({ resourceArn: g.thingGroupArn }))).tags).toEqual([{ Key: "site", Value: "B" }]);
		expect(await failure(iot.send(new ListTagsForResourceCommand({ resourceArn: "arn:aws:iot:local:000000000000:thinggroup/none" })))).toEqual(["ResourceNotFoundException", 404]);
		expect(await failure(iot.send(new TagResourceCommand({ resourceArn: g.thingGroupArn, tags: [{ Key: "aws:reserved", Value: "x" }] })))).toEqual(["InvalidRequestException", 400]);
		const dg = await iot.send(new DescribeThingGroupCommand({ thingGroupName: "lab" }));
		expect([dg.thingGroupId, dg.thingGroupArn, dg.thingGroupProperties?.thingGroupDescription, dg.version]).toEqual([g.thingGroupId, g.thingGroupArn, "bench devices", 1]);
		await iot.send(new CreateThingGroupCommand({ thingGroupName: "other" }));
		expect((await iot.send(new ListThingGroupsCommand({ namePrefixFilter: "la" }))).thingGroups).toEqual([{ groupName: "lab", groupArn: g.thingGroupArn }]);
		expect(await failure(iot.send(new AddThingToThingGroupCommand({ thingGroupName: "lab", thingName: "ghost" })))).toEqual(["ResourceNotFoundException", 404]);
		expect(await failure(iot.send(new AddThingToThingGroupCommand({ thingGroupName: "nope", thingName: "ghost" })))).toEqual(["ResourceNotFoundException", 404]);

		await iot.send(new CreateThingCommand({ thingName: "dev" }));
		await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Ports", behaviors: [{ name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [443] } } }] }));
		await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Ports", securityProfileTargetArn: g.thingGroupArn }));
		const device = await f.connect("dev");
		await report(device, "dev", 1, { tp: { pts: [{ pt: 23 }] } });
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);

		await iot.send(new AddThingToThingGroupCommand({ thingGroupArn: g.thingGroupArn, thingArn: "arn:aws:iot:us-east-1:123456789012:thing/dev" }));
		expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "lab" }))).things).toEqual(["dev"]);
		expect((await iot.send(new ListThingGroupsForThingCommand({ thingName: "dev" }))).thingGroups).toEqual([{ groupName: "lab", groupArn: g.thingGroupArn }]);
		clock.advance(300_000);
		await report(device, "dev", 2, { tp: { pts: [{ pt: 23 }] } });
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations?.map((v) => v.thingName)).toEqual(["dev"]);

		await iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: "lab", thingName: "dev" }));
		expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "lab" }))).things).toEqual([]);
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		await iot.send(new AddThingToThingGroupCommand({ thingGroupName: "lab", thingName: "dev" }));
		clock.advance(300_000);
		await report(device, "dev", 3, { tp: { pts: [{ pt: 23 }] } });
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toHaveLength(1);
		expect(await failure(iot.send(new DeleteThingGroupCommand({ thingGroupName: "lab", expectedVersion: 3 })))).toEqual(["VersionConflictException", 409]);
		await iot.send(new DeleteThingGroupCommand({ thingGroupName: "lab" }));
		expect((await iot.send(new ListActiveViolationsCommand({}))).activeViolations).toEqual([]);
		expect(await failure(iot.send(new DescribeThingGroupCommand({ thingGroupName: "lab" })))).toEqual(["ResourceNotFoundException", 404]);
	});
});
