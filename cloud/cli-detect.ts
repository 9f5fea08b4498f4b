/*
 * cli-detect — the CLI's `dimension`, `custom-metric` and `verify` commands (docs/cloud.md): through the
 * running cloud's API with --endpoint (@aws-sdk/client-iot), else on the data dir (refused while a cloud
 * runs on it), with the same checks as the API (definitions.ts, verification.ts).
 */
import {
	CreateCustomMetricCommand,
	CreateDimensionCommand,
	DeleteCustomMetricCommand,
	DeleteDimensionCommand,
	DescribeCustomMetricCommand,
	DescribeDimensionCommand,
	type IoTClient,
	ListCustomMetricsCommand,
	ListDimensionsCommand,
	PutVerificationStateOnViolationCommand,
	UpdateCustomMetricCommand,
	UpdateDimensionCommand,
} from "@aws-sdk/client-iot";
import { option, required, UsageError, type Args } from "./cli-args";
import * as client from "./cli-client";
import { openDefinitions } from "./definitions-store";
import type { Definitions } from "./detect/definitions";
import { Registry } from "./detect/registry";
import { CloudError, ErrorCodes } from "./errors";
import { CloudStore } from "./store";
import { VerificationTable, verificationState } from "./verification";

export interface CliDirs {
	dataDir: string;
	pkiDir: string;
}

function positional(a: Args, i: number, what: string): string {
	const v = a.positionals[i];
	if (v === undefined) throw new UsageError(`missing ${what}`);
	return v;
}

function verbOf(a: Args, verbs: string[]): string {
	const verb = positional(a, 1, `${a.positionals[0]} verb (${verbs.join("|")})`);
	if (!verbs.includes(verb)) throw new UsageError(`unknown ${a.positionals[0]} verb ${verb}`);
	return verb;
}

/** The data dir's store with its definitions (usage checked against its profiles). */
function withDefinitions<T>(dirs: CliDirs, fn: (d: Definitions, s: CloudStore) => T): T {
	const store = new CloudStore(dirs.dataDir);
	try {
		const defs = openDefinitions(store.database, () => Date.now());
		const registry = new Registry(store, undefined, defs);
		const saved = store.loadRegistry();
		registry.restore(saved.profiles, saved.targets, saved.groups);
		defs.usedBy = (kind, name) => registry.profilesUsing(kind, name);
		return fn(defs, store);
	} finally {
		store.close();
	}
}

const sdk = async <T>(p: Promise<T>): Promise<T> => {
	try {
		return await p;
	} catch (e) {
		const err = e as Error & { $metadata?: { httpStatusCode?: number } };
		const status = err.$metadata?.httpStatusCode;
		if (status !== undefined && status < 500) throw new UsageError(`${err.name}: ${err.message}`);
		throw e;
	}
};

const strip = <T extends object>(r: T): Omit<T, "$metadata"> => {
	const { $metadata: _m, ...rest } = r as T & { $metadata?: unknown };
	return rest;
};

async function dimensionApi(iot: IoTClient, verb: string, name: string, values: string[]): Promise<unknown> {
	if (verb === "create") return strip(await sdk(iot.send(new CreateDimensionCommand({ name, type: "TOPIC_FILTER", stringValues: values }))));
	if (verb === "describe") return strip(await sdk(iot.send(new DescribeDimensionCommand({ name }))));
	if (verb === "update") return strip(await sdk(iot.send(new UpdateDimensionCommand({ name, stringValues: values }))));
	if (verb === "delete") return strip(await sdk(iot.send(new DeleteDimensionCommand({ name }))));
	return strip(await sdk(iot.send(new ListDimensionsCommand({}))));
}

function dimensionLocal(d: Definitions, verb: string, name: string, values: string[]): unknown {
	if (verb === "create") return d.createDimension({ name, type: "TOPIC_FILTER", stringValues: values });
	if (verb === "describe") return d.describeDimension(name);
	if (verb === "update") return d.updateDimension(name, values);
	if (verb === "delete") return (d.deleteDimension(name), {});
	return { dimensionNames: d.listDimensions() };
}

/** dimension create|describe|list|update|delete [<name>] [--value FILTER]… */
export async function dimension(a: Args, dirs: CliDirs): Promise<unknown> {
	const verb = verbOf(a, ["create", "describe", "list", "update", "delete"]);
	const name = verb === "list" ? "" : positional(a, 2, "dimension name");
	const values = a.options.get("value") ?? [];
	if ((verb === "create" || verb === "update") && values.length === 0) throw new UsageError(`dimension ${verb}: give at least one --value TOPIC_FILTER`);
	const iot = client.forDataDir(option(a, "endpoint"), dirs.dataDir, dirs.pkiDir);
	if (iot) return dimensionApi(iot, verb, name, values);
	return withDefinitions(dirs, (d) => dimensionLocal(d, verb, name, values));
}

async function metricApi(iot: IoTClient, verb: string, metricName: string, a: Args): Promise<unknown> {
	const displayName = option(a, "display-name");
	if (verb === "create") return strip(await sdk(iot.send(new CreateCustomMetricCommand({ metricName, metricType: required(a, "type") as "number", displayName }))));
	if (verb === "describe") return strip(await sdk(iot.send(new DescribeCustomMetricCommand({ metricName }))));
	if (verb === "update") return strip(await sdk(iot.send(new UpdateCustomMetricCommand({ metricName, displayName: required(a, "display-name") }))));
	if (verb === "delete") return strip(await sdk(iot.send(new DeleteCustomMetricCommand({ metricName }))));
	return strip(await sdk(iot.send(new ListCustomMetricsCommand({}))));
}

function metricLocal(d: Definitions, verb: string, metricName: string, a: Args): unknown {
	if (verb === "create") return d.createCustomMetric({ metricName, metricType: required(a, "type"), displayName: option(a, "display-name") });
	if (verb === "describe") return d.describeCustomMetric(metricName);
	if (verb === "update") return d.updateCustomMetric(metricName, required(a, "display-name"));
	if (verb === "delete") return (d.deleteCustomMetric(metricName), {});
	return { metricNames: d.listCustomMetrics() };
}

/** custom-metric create|describe|list|update|delete [<name>] [--type T] [--display-name N] */
export async function customMetric(a: Args, dirs: CliDirs): Promise<unknown> {
	const verb = verbOf(a, ["create", "describe", "list", "update", "delete"]);
	const name = verb === "list" ? "" : positional(a, 2, "custom metric name");
	const iot = client.forDataDir(option(a, "endpoint"), dirs.dataDir, dirs.pkiDir);
	if (iot) return metricApi(iot, verb, name, a);
	return withDefinitions(dirs, (d) => metricLocal(d, verb, name, a));
}

/** verify <violationId> --state STATE [--description TEXT] */
export async function verify(a: Args, dirs: CliDirs): Promise<unknown> {
	const violationId = positional(a, 1, "violation id");
	const state = verificationState(required(a, "state"), "--state");
	const description = option(a, "description");
	const iot = client.forDataDir(option(a, "endpoint"), dirs.dataDir, dirs.pkiDir);
	if (iot) {
		await sdk(iot.send(new PutVerificationStateOnViolationCommand({ violationId, verificationState: state, verificationStateDescription: description })));
		return "ok";
	}
	return withDefinitions(dirs, (_d, store) => {
		const table = new VerificationTable(store.database);
		const active = store.loadStates().some((r) => r.state.inAlarm && r.state.violationId === violationId);
		if (!active && !table.inHistory(violationId)) throw new CloudError(ErrorCodes.InvalidRequest, `violation ${violationId} does not exist`);
		table.put(violationId, state, description, Date.now());
		return "ok";
	});
}
