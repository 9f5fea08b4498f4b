/*
 * Automatic mitigation (beyond AWS, opt-in through `api.autoMitigation`): an in-alarm of a configured behavior
 * starts a mitigation task on that violation; other behaviors and cleared alarms start none. Real SDK and broker.
 */
import { AttachSecurityProfileCommand, CreateMitigationActionCommand, CreateSecurityProfileCommand, CreateThingGroupCommand, ListDetectMitigationActionsExecutionsCommand, ListDetectMitigationActionsTasksCommand } from "@aws-sdk/client-iot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { report, startApiCloud, type ApiFixture } from "../helpers/api-setup";

let f: ApiFixture;
beforeAll(async () => {
	f = await startApiCloud({ api: { port: 0, autoMitigation: [{ securityProfileName: "Leaks", behaviorName: "bytesOut", actions: ["Quarantine"] }] } });
});
afterAll(async () => {
	await f.cleanup();
});

describe("automatic mitigation", () => {
	it("quarantines on the in-alarm of the configured behavior only", async () => {
		await f.iot.send(new CreateThingGroupCommand({ thingGroupName: "quarantine" }));
		await f.iot.send(new CreateMitigationActionCommand({ actionName: "Quarantine", roleArn: "arn:aws:iam::000000000000:role/q", actionParams: { addThingsToThingGroupParams: { thingGroupNames: ["quarantine"] } } }));
		await f.iot.send(new CreateSecurityProfileCommand({
			securityProfileName: "Leaks",
			behaviors: [
				{ name: "bytesOut", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 10_000 } } },
				{ name: "packetsOut", metric: "aws:all-packets-out", criteria: { comparisonOperator: "less-than", value: { count: 100 } } },
			],
		}));
		await f.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Leaks", securityProfileTargetArn: f.cloud.allThingsArn }));
		const start = f.clock.now();
		const noisy = await f.connect("noisy");
		await report(noisy, "noisy", 1, { ns: { bi: 1, bo: 10, pi: 1, po: 500 } }); // packetsOut only
		const leaky = await f.connect("leaky");
		await report(leaky, "leaky", 1, { ns: { bi: 1, bo: 50_000, pi: 1, po: 500 } }); // both
		f.clock.advance(0);
		const tasks = await f.iot.send(new ListDetectMitigationActionsTasksCommand({ startTime: new Date(start - 1000), endTime: new Date(start + 1000) }));
		expect(tasks.tasks?.map((t) => [t.taskStatus, t.target?.behaviorName])).toEqual([["SUCCESSFUL", "bytesOut"]]);
		const execs = await f.iot.send(new ListDetectMitigationActionsExecutionsCommand({ taskId: tasks.tasks?.[0].taskId }));
		expect(execs.actionsExecutions?.map((e) => [e.thingName, e.status])).toEqual([["leaky", "SUCCESSFUL"]]);
		expect(f.logs.some((l) => /auto rule 0: in-alarm of Leaks\/bytesOut/.test(l))).toBe(true);
	});
});
