/*
 * Mitigation, thing-group policies and metrics export driven by Debian's /usr/bin/aws (botocore's own
 * serializers) against the API: the quarantine set up and run from the CLI, the export config accepted
 * and its datapoints read by a real MQTT subscriber, ListMetricValues of a cloud-side metric.
 */
import { CreateSecurityProfileCommand } from "@aws-sdk/client-iot";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thingGroupArn } from "../../cloud/detect/registry";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { until } from "../helpers/cloud-setup";
import { awsCli } from "../helpers/aws-cli";

let f: ApiFixture;
let home: string;

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), "aws-home-"));
	f = await startApiCloud({ allowTopics: ["/rogue/agent", "export/+"] });
});
afterAll(async () => {
	await f.cleanup();
	rmSync(home, { recursive: true, force: true });
});

function aws(...args: string[]): Promise<Record<string, unknown>> {
	return awsCli("iot", args, { home, url: f.api.url, key: f.api.accessKey });
}

describe("mitigation, policies and export through the aws CLI", { timeout: 300_000 }, () => {
	it("quarantines a violating thing: create-policy, attach-policy, create-mitigation-action, start-detect-mitigation-actions-task", async () => {
		await aws("create-thing-group", "--thing-group-name", "quarantine");
		await aws("create-policy", "--policy-name", "QuarantinePolicy", "--policy-document", `file://${resolve("profiles/QuarantinePolicy.json")}`);
		await aws("attach-policy", "--policy-name", "QuarantinePolicy", "--target", thingGroupArn("quarantine"));
		const attached = await aws("list-attached-policies", "--target", thingGroupArn("quarantine"));
		expect(attached.policies).toEqual([{ policyName: "QuarantinePolicy", policyArn: expect.stringMatching(/:policy\/QuarantinePolicy$/) }]);
		const action = await aws("create-mitigation-action", "--action-name", "Quarantine", "--role-arn", "arn:aws:iam::000000000000:role/q", "--action-params", JSON.stringify({ addThingsToThingGroupParams: { thingGroupNames: ["quarantine"] } }));
		expect(action.actionArn).toMatch(/:mitigationaction\/Quarantine$/);

		await aws("create-security-profile", "--security-profile-name", "Echoes", "--behaviors", JSON.stringify([{ name: "msgReceive", metric: "aws:num-messages-received", criteria: { comparisonOperator: "less-than", value: { count: 3 }, durationSeconds: 300 } }]));
		await aws("attach-security-profile", "--security-profile-name", "Echoes", "--security-profile-target-arn", f.cloud.allThingsArn);
		const rogue = await f.connect("cli-rogue");
		await rogue.subscribeAsync("/rogue/agent", { qos: 1 });
		let echoes = 0;
		rogue.on("message", () => echoes++);
		for (let i = 0; i < 4; i++) await rogue.publishAsync("/rogue/agent", "x", { qos: 1 });
		await until(() => echoes >= 4, "the echoes");
		f.clock.advance(300_000);

		await aws("start-detect-mitigation-actions-task", "--task-id", "cli-q", "--target", JSON.stringify({ securityProfileName: "Echoes", behaviorName: "msgReceive" }), "--actions", "Quarantine", "--client-request-token", "cli-token");
		f.clock.advance(0);
		const task = (await aws("describe-detect-mitigation-actions-task", "--task-id", "cli-q")).taskSummary as Record<string, unknown>;
		expect({ status: task.taskStatus, stats: task.taskStatistics }).toEqual({ status: "SUCCESSFUL", stats: { actionsExecuted: 1, actionsSkipped: 0, actionsFailed: 0 } });
		const execs = (await aws("list-detect-mitigation-actions-executions", "--task-id", "cli-q")).actionsExecutions as Record<string, unknown>[];
		expect(execs.map((e) => [e.thingName, e.status])).toEqual([["cli-rogue", "SUCCESSFUL"]]);
		const refused = await rogue.subscribeAsync("/rogue/agent", { qos: 1 }).then(() => "granted", () => "refused");
		expect(refused).toBe("refused");
		rogue.end(true);
	});

	it("exports the datapoints of an exported behavior, and lists the cloud-side values with list-metric-values", async () => {
		const reader = await f.connect("cli-reader");
		await reader.subscribeAsync("export/cli", { qos: 1 });
		const got: { metrics: { name: string; thing: string; value: { count: number } }[] }[] = [];
		reader.on("message", (_t, p) => got.push(JSON.parse(p.toString()) as (typeof got)[number]));
		// aws-cli 2.9.19 (Debian 12) predates exportMetric and metricsExportConfig: its botocore refuses both
		// client-side, so the profile is made with the SDK and the rest goes through the CLI
		await f.iot.send(new CreateSecurityProfileCommand({
			securityProfileName: "Exported",
			behaviors: [{ name: "sent", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 100 }, durationSeconds: 300 }, exportMetric: true }],
			metricsExportConfig: { mqttTopic: "export/cli", roleArn: "arn:aws:iam::000000000000:role/export" },
		}));
		await aws("attach-security-profile", "--security-profile-name", "Exported", "--security-profile-target-arn", f.cloud.allThingsArn);
		const dev = await f.connect("cli-sender");
		for (let i = 0; i < 2; i++) await dev.publishAsync("/rogue/agent", "y", { qos: 1 });
		await until(() => f.cloud.metrics("cli-sender")["aws:num-messages-sent"] >= 2, "the messages");
		const end = Math.floor(f.clock.now() / 300_000) * 300_000 + 300_000;
		f.clock.advance(end - f.clock.now());
		await until(() => got.some((b) => b.metrics.some((m) => m.thing === "cli-sender")), "the export");
		expect(got.flatMap((b) => b.metrics).filter((m) => m.thing === "cli-sender").map((m) => [m.name, m.value])).toEqual([["aws:num-messages-sent", { count: 2 }]]);

		const values = await aws("list-metric-values", "--thing-name", "cli-sender", "--metric-name", "aws:num-messages-sent", "--start-time", String((end - 300_000) / 1000), "--end-time", String(end / 1000 + 1));
		expect((values.metricDatumList as { value: { count: number } }[]).map((d) => d.value.count)).toEqual([2]);
		dev.end(true);
		reader.end(true);
	});
});
