/*
 * cli-mitigation — the CLI's mitigation, policy and metric-history commands (docs/cloud.md "Mitigation"):
 *   mitigation action <name> --group <g> [--group …] [--role <arn>]       CreateMitigationAction (ADD_THINGS_TO_THING_GROUP)
 *   mitigation start <taskId> --action <a> [--action …] (--profile <p> [--behavior <b>] | --violation <id> …)
 *   mitigation task <taskId>                                              the task's summary and executions
 *   policy create <name> --file <doc.json> | policy attach <name> --group <g>
 *   metrics <thing> <metric> [--minutes <n>]                              ListMetricValues (default: the last 24 h)
 *   start … --auto-mitigate PROFILE[/BEHAVIOR]=ACTION[,ACTION]           (parsed here) automatic mitigation rules
 * Mitigation and policy commands go to a running cloud's API (--endpoint, or the one recorded for --data);
 * `metrics` reads the data dir directly when no cloud runs on it.
 */
import {
	AttachPolicyCommand,
	CreateMitigationActionCommand,
	CreatePolicyCommand,
	DescribeDetectMitigationActionsTaskCommand,
	ListDetectMitigationActionsExecutionsCommand,
	ListMetricValuesCommand,
	StartDetectMitigationActionsTaskCommand,
	type IoTClient,
} from "@aws-sdk/client-iot";
import { readFileSync } from "node:fs";
import { option, required, UsageError, intOption, type Args } from "./cli-args";
import * as client from "./cli-client";
import { thingGroupArn } from "./detect/registry";
import { CloudStore } from "./store";
import type { AutoMitigationRule } from "./mitigation/auto";

const DEFAULT_ROLE = "arn:aws:iam::000000000000:role/defender-mitigation";

function arg(a: Args, i: number, what: string): string {
	const v = a.positionals[i];
	if (v === undefined) throw new UsageError(`missing ${what}`);
	return v;
}

const list = (a: Args, name: string): string[] => a.options.get(name) ?? [];

function api(a: Args): IoTClient {
	const iot = client.forDataDir(option(a, "endpoint"), option(a, "data", ".cloud/data") ?? "", option(a, "pki", ".cloud/pki"));
	if (!iot) throw new UsageError(`${a.positionals[0]} needs a running cloud with the API (start it with --api-port, or pass --endpoint)`);
	return iot;
}

async function send<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		const err = e as Error & { $metadata?: { httpStatusCode?: number } };
		const status = err.$metadata?.httpStatusCode;
		if (status !== undefined && status >= 400 && status < 500) throw new UsageError(`${err.name}: ${err.message}`);
		throw e;
	}
}

async function mitigation(a: Args): Promise<unknown> {
	const verb = arg(a, 1, "mitigation verb (action|start|task)");
	const name = arg(a, 2, verb === "action" ? "action name" : "task id");
	const iot = api(a);
	if (verb === "action") {
		const groups = list(a, "group");
		if (groups.length === 0) throw new UsageError("mitigation action needs --group (the quarantine thing group)");
		return send(() => iot.send(new CreateMitigationActionCommand({ actionName: name, roleArn: option(a, "role", DEFAULT_ROLE), actionParams: { addThingsToThingGroupParams: { thingGroupNames: groups } } })));
	}
	if (verb === "start") {
		const violationIds = list(a, "violation");
		const target = { ...(violationIds.length ? { violationIds } : {}), securityProfileName: option(a, "profile"), behaviorName: option(a, "behavior") };
		return send(() => iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: name, target, actions: list(a, "action"), clientRequestToken: name })));
	}
	if (verb === "task") {
		const summary = await send(() => iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: name })));
		const executions = await send(() => iot.send(new ListDetectMitigationActionsExecutionsCommand({ taskId: name })));
		return { taskSummary: summary.taskSummary, actionsExecutions: executions.actionsExecutions ?? [] };
	}
	throw new UsageError(`unknown mitigation verb ${verb}`);
}

async function policy(a: Args): Promise<unknown> {
	const verb = arg(a, 1, "policy verb (create|attach)");
	const name = arg(a, 2, "policy name");
	const iot = api(a);
	if (verb === "create") {
		const file = required(a, "file");
		let doc: string;
		try {
			doc = readFileSync(file, "utf8");
		} catch (e) {
			throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
		}
		return send(() => iot.send(new CreatePolicyCommand({ policyName: name, policyDocument: doc })));
	}
	if (verb === "attach") {
		await send(() => iot.send(new AttachPolicyCommand({ policyName: name, target: thingGroupArn(required(a, "group")) })));
		return "ok";
	}
	throw new UsageError(`unknown policy verb ${verb}`);
}

async function metrics(a: Args): Promise<unknown> {
	const thing = arg(a, 1, "thing name");
	const metric = arg(a, 2, "metric name");
	const end = Date.now() + 60_000;
	const start = end - intOption(a, "minutes", 24 * 60) * 60_000;
	const iot = client.forDataDir(option(a, "endpoint"), option(a, "data", ".cloud/data") ?? "", option(a, "pki", ".cloud/pki"));
	if (iot) {
		const out = await send(() => iot.send(new ListMetricValuesCommand({ thingName: thing, metricName: metric, startTime: new Date(start), endTime: new Date(end) })));
		return { metricDatumList: (out.metricDatumList ?? []).map((d) => ({ timestamp: d.timestamp?.toISOString(), value: d.value })) };
	}
	const store = new CloudStore(option(a, "data", ".cloud/data") ?? "");
	try {
		return { metricDatumList: store.metricValues(thing, metric, start, end).map((d) => ({ timestamp: new Date(d.timestamp).toISOString(), value: d.value })) };
	} finally {
		store.close();
	}
}

const AUTO = /^([a-zA-Z0-9:_-]{1,128})(?:\/([a-zA-Z0-9:_-]{1,128}))?=([a-zA-Z0-9_-]{1,128}(?:,[a-zA-Z0-9_-]{1,128})*)$/;

/** `start --auto-mitigate PROFILE[/BEHAVIOR]=ACTION[,ACTION]…` (repeatable) → the API's autoMitigation rules. */
export function autoMitigationOption(values: string[]): AutoMitigationRule[] {
	return values.map((v) => {
		const m = AUTO.exec(v);
		if (!m) throw new UsageError(`--auto-mitigate must be PROFILE[/BEHAVIOR]=ACTION[,ACTION]…, got "${v}"`);
		return { securityProfileName: m[1], ...(m[2] === undefined ? {} : { behaviorName: m[2] }), actions: m[3].split(",") };
	});
}

/** Runs `mitigation`, `policy` or `metrics`; returns what to print. */
export function runMitigationCommand(a: Args): Promise<unknown> {
	const cmd = a.positionals[0];
	return cmd === "mitigation" ? mitigation(a) : cmd === "policy" ? policy(a) : metrics(a);
}
