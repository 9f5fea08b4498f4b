/*
 * A Detect mitigation task left IN_PROGRESS by a stopped cloud resumes when the cloud starts again on the
 * same data dir, and runs each violation once (real @aws-sdk/client-iot, real broker, report over MQTT).
 */
import { AttachSecurityProfileCommand, CreateMitigationActionCommand, CreateSecurityProfileCommand, CreateThingGroupCommand, DescribeDetectMitigationActionsTaskCommand, ListThingsInThingGroupCommand, StartDetectMitigationActionsTaskCommand, CreateThingCommand } from "@aws-sdk/client-iot";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { report, startApiCloud } from "../helpers/api-setup";
import { tempDir } from "../helpers/cloud-setup";

describe("mitigation tasks across a restart", () => {
	it("resumes an IN_PROGRESS task and quarantines the thing once", { timeout: 120_000 }, async () => {
		const dir = tempDir("mitigation-restart-");
		const options = { dataDir: join(dir, "db"), pkiDir: join(dir, "pki") };
		const clock = new VirtualClock(Date.UTC(2026, 0, 1));
		try {
			const first = await startApiCloud({ ...options, clock }, join(dir, "a"));
			await first.iot.send(new CreateThingGroupCommand({ thingGroupName: "quarantine" }));
			await first.iot.send(new CreateThingCommand({ thingName: "leaky" }));
			await first.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Bytes", behaviors: [{ name: "bytesOut", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 10_000 } } }] }));
			await first.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "Bytes", securityProfileTargetArn: first.cloud.allThingsArn }));
			await first.iot.send(new CreateMitigationActionCommand({ actionName: "Quarantine", roleArn: "arn:aws:iam::000000000000:role/q", actionParams: { addThingsToThingGroupParams: { thingGroupNames: ["quarantine"] } } }));
			const device = await first.connect("leaky");
			await report(device, "leaky", 1, { ns: { bi: 1, bo: 50_000, pi: 1, po: 1 } });
			expect(first.cloud.listActiveViolations().map((v) => v.thingName)).toEqual(["leaky"]);
			await first.iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: "t", target: { securityProfileName: "Bytes" }, actions: ["Quarantine"], clientRequestToken: "t" }));
			device.end(true);
			await first.cloud.stop(); // before the task's turn
			first.iot.destroy();

			const second = await startApiCloud({ ...options, clock }, join(dir, "b"));
			try {
				expect((await second.iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: "t" }))).taskSummary?.taskStatus).toBe("IN_PROGRESS");
				clock.advance(0);
				const s = (await second.iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: "t" }))).taskSummary;
				expect({ status: s?.taskStatus, stats: s?.taskStatistics }).toEqual({ status: "SUCCESSFUL", stats: { actionsExecuted: 1, actionsSkipped: 0, actionsFailed: 0 } });
				expect((await second.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: "quarantine" }))).things).toEqual(["leaky"]);
			} finally {
				await second.cleanup();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
