/*
 * Detect mitigation through the real @aws-sdk/client-iot: a quarantine thing group carrying a policy that
 * leaves its members only their reserved Defender topics (CreatePolicy + AttachPolicy), a mitigation
 * action ADD_THINGS_TO_THING_GROUP, a StartDetectMitigationActionsTask that runs on the cloud's clock; then
 * the embedded broker refuses the quarantined thing's publish, subscribe and deliveries on /rogue/agent,
 * while its Defender reports still go through.
 */
import {
	AttachPolicyCommand,
	AttachSecurityProfileCommand,
	CancelDetectMitigationActionsTaskCommand,
	CreateMitigationActionCommand,
	CreatePolicyCommand,
	CreateSecurityProfileCommand,
	CreateThingGroupCommand,
	DeleteMitigationActionCommand,
	DeleteThingGroupCommand,
	DescribeDetectMitigationActionsTaskCommand,
	DescribeMitigationActionCommand,
	GetPolicyCommand,
	ListAttachedPoliciesCommand,
	ListDetectMitigationActionsExecutionsCommand,
	ListDetectMitigationActionsTasksCommand,
	ListMitigationActionsCommand,
	ListTargetsForPolicyCommand,
	StartDetectMitigationActionsTaskCommand,
	UpdateMitigationActionCommand,
} from "@aws-sdk/client-iot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thingGroupArn } from "../../cloud/detect/registry";
import { report, sdkFailure, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { until } from "../helpers/cloud-setup";
import { QUARANTINE_POLICY } from "../fixtures/quarantine-policy";

const ROLE = "arn:aws:iam::000000000000:role/mitigation";
let f: ApiFixture;

beforeAll(async () => {
	f = await startApiCloud({ allowTopics: ["/rogue/agent"] });
});
afterAll(async () => {
	await f.cleanup();
});

describe("mitigation actions and policies (API)", () => {
	it("refuses the Audit action types by name, and keeps ADD_THINGS_TO_THING_GROUP actions", async () => {
		const [name, status] = await sdkFailure(f.iot.send(new CreateMitigationActionCommand({ actionName: "toSns", roleArn: ROLE, actionParams: { publishFindingToSnsParams: { topicArn: "arn:aws:sns:us-east-1:000000000000:t" } } })));
		expect([name, status]).toEqual(["InvalidRequestException", 400]);
		const e = (await f.iot.send(new CreateMitigationActionCommand({ actionName: "toSns", roleArn: ROLE, actionParams: { publishFindingToSnsParams: { topicArn: "x" } } })).catch((x: Error) => x)) as Error;
		expect(e.message).toMatch(/only addThingsToThingGroupParams \(ADD_THINGS_TO_THING_GROUP/);

		const made = await f.iot.send(new CreateMitigationActionCommand({ actionName: "scratch", roleArn: ROLE, actionParams: { addThingsToThingGroupParams: { thingGroupNames: ["a"] } } }));
		expect(made.actionArn).toMatch(/:mitigationaction\/scratch$/);
		await f.iot.send(new UpdateMitigationActionCommand({ actionName: "scratch", actionParams: { addThingsToThingGroupParams: { thingGroupNames: ["b"], overrideDynamicGroups: true } } }));
		const d = await f.iot.send(new DescribeMitigationActionCommand({ actionName: "scratch" }));
		expect({ type: d.actionType, params: d.actionParams, id: d.actionId }).toEqual({ type: "ADD_THINGS_TO_THING_GROUP", params: { addThingsToThingGroupParams: { thingGroupNames: ["b"], overrideDynamicGroups: true } }, id: made.actionId });
		await f.iot.send(new DeleteMitigationActionCommand({ actionName: "scratch" }));
		expect((await f.iot.send(new ListMitigationActionsCommand({}))).actionIdentifiers).toEqual([]);
		expect(await sdkFailure(f.iot.send(new DescribeMitigationActionCommand({ actionName: "scratch" })))).toEqual(["ResourceNotFoundException", 404]);
	});

	it("refuses a policy document outside the enforced subset, naming the problem", async () => {
		const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iot:Connect", Resource: "*" }] });
		const e = (await f.iot.send(new CreatePolicyCommand({ policyName: "bad", policyDocument: doc })).catch((x: Error) => x)) as Error & { name: string };
		expect(e.name).toBe("InvalidRequestException");
		expect(e.message).toMatch(/iot:Connect is not supported/);
	});

	it("quarantines the violating thing: the task adds it to the group, the group's policy cuts it off /rogue/agent", async () => {
		await f.iot.send(new CreateThingGroupCommand({ thingGroupName: "quarantine" }));
		await f.iot.send(new CreatePolicyCommand({ policyName: "QuarantinePolicy", policyDocument: QUARANTINE_POLICY }));
		await f.iot.send(new AttachPolicyCommand({ policyName: "QuarantinePolicy", target: thingGroupArn("quarantine") }));
		expect((await f.iot.send(new GetPolicyCommand({ policyName: "QuarantinePolicy" }))).policyDocument).toBe(QUARANTINE_POLICY);
		expect((await f.iot.send(new ListAttachedPoliciesCommand({ target: thingGroupArn("quarantine") }))).policies?.map((p) => p.policyName)).toEqual(["QuarantinePolicy"]);
		expect((await f.iot.send(new ListTargetsForPolicyCommand({ policyName: "QuarantinePolicy" }))).targets).toEqual([thingGroupArn("quarantine")]);

		await f.iot.send(new CreateSecurityProfileCommand({
			securityProfileName: "Echoes",
			behaviors: [{ name: "msgReceive", metric: "aws:num-messages-received", criteria: { comparisonOperator: "less-than", value: { count: 5 }, durationSeconds: 300 } }],
		}));
		await f.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Echoes", securityProfileTargetArn: f.cloud.allThingsArn }));
		await f.iot.send(new CreateMitigationActionCommand({ actionName: "Quarantine", roleArn: ROLE, actionParams: { addThingsToThingGroupParams: { thingGroupNames: ["quarantine"] } } }));

		const rogue = await f.connect("rogue-1");
		const watcher = await f.connect("watcher-1");
		await rogue.subscribeAsync("/rogue/agent", { qos: 1 });
		let echoes = 0;
		rogue.on("message", (t) => void (t === "/rogue/agent" && echoes++));
		for (let i = 0; i < 6; i++) await rogue.publishAsync("/rogue/agent", `m${i}`, { qos: 1 });
		await until(() => echoes >= 6, "the echoes");
		f.clock.advance(300_000);
		const violation = f.cloud.listActiveViolations({ thingName: "rogue-1" });
		expect(violation.map((v) => v.behavior.name)).toEqual(["msgReceive"]);

		const started = f.clock.now();
		await f.iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "q1", target: { securityProfileName: "Echoes", behaviorName: "msgReceive" }, actions: ["Quarantine"], clientRequestToken: "tok-1" }));
		const again = await f.iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "q1", target: { securityProfileName: "Echoes" }, actions: ["Quarantine"], clientRequestToken: "tok-1" }));
		expect(again.taskId).toBe("q1");
		expect((await f.iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: "q1" }))).taskSummary?.taskStatus).toBe("IN_PROGRESS");
		f.clock.advance(0); // the task's turn on the cloud's clock
		const summary = (await f.iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: "q1" }))).taskSummary;
		expect({ status: summary?.taskStatus, stats: summary?.taskStatistics, onlyActive: summary?.onlyActiveViolationsIncluded }).toEqual({
			status: "SUCCESSFUL",
			stats: { actionsExecuted: 1, actionsSkipped: 0, actionsFailed: 0 },
			onlyActive: true,
		});
		const execs = await f.iot.send(new ListDetectMitigationActionsExecutionsCommand({ taskId: "q1" }));
		expect(execs.actionsExecutions?.map((e) => [e.thingName, e.violationId, e.actionName, e.status])).toEqual([["rogue-1", violation[0].violationId, "Quarantine", "SUCCESSFUL"]]);
		const tasks = await f.iot.send(new ListDetectMitigationActionsTasksCommand({ startTime: new Date(started - 1000), endTime: new Date(started + 1000) }));
		expect(tasks.tasks?.map((t) => t.taskId)).toEqual(["q1"]);

		// delivery is re-checked: the quarantined thing's old subscription gets nothing
		const failures = f.cloud.metrics("rogue-1")["aws:num-authorization-failures"];
		await watcher.publishAsync("/rogue/agent", "after", { qos: 1 });
		await until(() => f.cloud.metrics("rogue-1")["aws:num-authorization-failures"] > failures, "the refused delivery");
		expect(echoes).toBe(6);
		// its reserved Defender topics still work
		await report(rogue, "rogue-1", 1, { ns: { bi: 10, bo: 20, pi: 1, po: 1 } });
		// publishing to /rogue/agent is dropped (acknowledged, counted, delivered to no one); the connection stays
		let watched = 0;
		await watcher.subscribeAsync("/rogue/agent", { qos: 1 });
		watcher.on("message", (t) => void (t === "/rogue/agent" && watched++));
		const before = f.cloud.metrics("rogue-1");
		await rogue.publishAsync("/rogue/agent", "blocked", { qos: 1 });
		await until(() => f.cloud.metrics("rogue-1")["aws:num-authorization-failures"] > before["aws:num-authorization-failures"], "the refused publish");
		await watcher.publishAsync("/rogue/agent", "probe", { qos: 1 });
		await until(() => watched >= 1, "the watcher's own probe");
		expect({ watched, connected: rogue.connected, sent: f.cloud.metrics("rogue-1")["aws:num-messages-sent"] }).toEqual({ watched: 1, connected: true, sent: before["aws:num-messages-sent"] });
		// and a new subscription is refused
		const refused = await rogue.subscribeAsync("/rogue/agent", { qos: 1 }).then(() => "granted", (e: Error) => e.message);
		expect(refused).toMatch(/Subscribe error/);

		// the alarm clears on the next window: nothing delivered
		f.clock.advance(300_000);
		expect(f.cloud.listActiveViolations({ thingName: "rogue-1" })).toEqual([]);
		// a second task finds nothing left to do
		await f.iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "q2", target: { violationIds: [violation[0].violationId] }, actions: ["Quarantine"], clientRequestToken: "tok-2", includeOnlyActiveViolations: false, violationEventOccurrenceRange: { startTime: new Date(started - 600_000), endTime: new Date(started + 1000) } }));
		f.clock.advance(0);
		const q2 = (await f.iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: "q2" }))).taskSummary;
		expect({ status: q2?.taskStatus, stats: q2?.taskStatistics }).toEqual({ status: "SUCCESSFUL", stats: { actionsExecuted: 0, actionsSkipped: 1, actionsFailed: 0 } });
	});

	it("cancels a task before its turn; a finished task cannot be cancelled", async () => {
		await f.iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "c1", target: { securityProfileName: "Echoes" }, actions: ["Quarantine"], clientRequestToken: "tok-c1" }));
		await f.iot.send(new CancelDetectMitigationActionsTaskCommand({ taskId: "c1" }));
		f.clock.advance(0);
		expect((await f.iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: "c1" }))).taskSummary?.taskStatus).toBe("CANCELED");
		expect((await f.iot.send(new ListDetectMitigationActionsExecutionsCommand({ taskId: "c1" }))).actionsExecutions).toEqual([]);
		expect(await sdkFailure(f.iot.send(new CancelDetectMitigationActionsTaskCommand({ taskId: "q1" })))).toEqual(["InvalidRequestException", 400]);
		expect(await sdkFailure(f.iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "c2", target: {}, actions: ["Quarantine"], clientRequestToken: "t" })))).toEqual(["InvalidRequestException", 400]);
		expect(await sdkFailure(f.iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "c3", target: { securityProfileName: "Echoes" }, actions: ["Nope"], clientRequestToken: "t" })))).toEqual(["ResourceNotFoundException", 404]);
	});

	it("a deleted group takes its policy attachments with it", async () => {
		await f.iot.send(new CreateThingGroupCommand({ thingGroupName: "short-lived" }));
		await f.iot.send(new AttachPolicyCommand({ policyName: "QuarantinePolicy", target: thingGroupArn("short-lived") }));
		await f.iot.send(new DeleteThingGroupCommand({ thingGroupName: "short-lived" }));
		await f.iot.send(new CreateThingGroupCommand({ thingGroupName: "short-lived" }));
		expect((await f.iot.send(new ListAttachedPoliciesCommand({ target: thingGroupArn("short-lived") }))).policies).toEqual([]);
		expect((await f.iot.send(new ListTargetsForPolicyCommand({ policyName: "QuarantinePolicy" }))).targets).toEqual([thingGroupArn("quarantine")]);
	});
});
