/*
 * cli-client — the CLI's configuration commands against a running cloud, through its AWS IoT API
 * (--endpoint URL, SigV4 with @aws-sdk/client-iot): the cloud applies them at once. Credentials come from
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else the first access key of the --data store.
 */
import {
	AddThingToThingGroupCommand,
	AttachSecurityProfileCommand,
	CreateSecurityProfileCommand,
	type CreateSecurityProfileCommandInput,
	CreateThingCommand,
	CreateThingGroupCommand,
	IoTClient,
	ListActiveViolationsCommand,
	ListSecurityProfilesCommand,
	ListTargetsForSecurityProfileCommand,
	ListViolationEventsCommand,
} from "@aws-sdk/client-iot";
import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { UsageError } from "./cli-args";
import { firstAccessKey, type AccessKey } from "./api/index";
import { CloudStore } from "./store";
import { runningCloud } from "./data-lock";

function credentials(dataDir: string): AccessKey {
	const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
	const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
	if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey };
	const store = new CloudStore(dataDir);
	try {
		return firstAccessKey(store);
	} finally {
		store.close();
	}
}

/** For an https:// endpoint: trust the cloud's own CA (`<pki>/ca.cert.pem`, which signed the API's certificate) beside the system's. */
function httpsOptions(endpoint: string, pkiDir: string | undefined): { requestHandler: { httpsAgent: Agent } } | undefined {
	if (!endpoint.startsWith("https:") || pkiDir === undefined) return undefined;
	const caFile = join(pkiDir, "ca.cert.pem");
	if (!existsSync(caFile)) return undefined;
	return { requestHandler: { httpsAgent: new Agent({ ca: [...rootCertificates, readFileSync(caFile, "utf8")] }) } };
}

export function connect(endpoint: string, dataDir: string, pkiDir?: string): IoTClient {
	if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) throw new UsageError(`--endpoint must be http(s)://host:port, got "${endpoint}"`);
	const key = credentials(dataDir);
	// the SDK's multi-line Node-version notice would break the CLI's one-line output (the project runs on Node 20)
	process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
	const credentialsOption = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
	return new IoTClient({ endpoint, region: process.env.AWS_REGION ?? "us-east-1", credentials: credentialsOption, maxAttempts: 1, ...httpsOptions(endpoint, pkiDir) });
}

/** The running cloud's API for --endpoint; undefined = work on the data dir, refused while a cloud runs on it. */
export function forDataDir(endpoint: string | undefined, dataDir: string, pkiDir?: string): IoTClient | undefined {
	if (endpoint !== undefined) return connect(endpoint, dataDir, pkiDir);
	const running = runningCloud(dataDir);
	if (running !== undefined) {
		const hint = running.api ?? "http://127.0.0.1:API-PORT (restart it with --api-port to serve the API)";
		throw new UsageError(`a cloud is running on ${dataDir} (pid ${running.pid}): use --endpoint ${hint}`);
	}
	return undefined;
}

/** Runs one API call; a refusal by the cloud (4xx) is a one-line error with exit code 2, as for the local store. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		const err = e as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
		const status = err.$metadata?.httpStatusCode;
		if (status !== undefined && status >= 400 && status < 500) throw new UsageError(`${err.name}: ${err.message}`);
		if (err.code === "ECONNREFUSED") throw new Error(`no cloud API at the endpoint (${err.message})`);
		throw e;
	}
}

export async function groupCreate(iot: IoTClient, group: string): Promise<string> {
	const out = await call(() => iot.send(new CreateThingGroupCommand({ thingGroupName: group })));
	return out.thingGroupArn ?? "";
}

/** The API adds only registered things: the thing is created first (idempotent), as the local store needs none. */
export async function groupAdd(iot: IoTClient, group: string, thing: string): Promise<void> {
	await call(() => iot.send(new CreateThingCommand({ thingName: thing })));
	await call(() => iot.send(new AddThingToThingGroupCommand({ thingGroupName: group, thingName: thing })));
}

export async function profileCreate(iot: IoTClient, json: unknown): Promise<{ securityProfileName: string | undefined }> {
	const out = await call(() => iot.send(new CreateSecurityProfileCommand(json as CreateSecurityProfileCommandInput)));
	return { securityProfileName: out.securityProfileName };
}

export async function profileAttach(iot: IoTClient, profile: string, target: string): Promise<void> {
	await call(() => iot.send(new AttachSecurityProfileCommand({ securityProfileName: profile, securityProfileTargetArn: target })));
}

export async function profileList(iot: IoTClient): Promise<{ securityProfileName: string; targets: string[] }[]> {
	const out = await call(() => iot.send(new ListSecurityProfilesCommand({})));
	const list = [];
	for (const p of out.securityProfileIdentifiers ?? []) {
		const name = p.name ?? "";
		const t = await call(() => iot.send(new ListTargetsForSecurityProfileCommand({ securityProfileName: name })));
		list.push({ securityProfileName: name, targets: (t.securityProfileTargets ?? []).map((x) => x.arn ?? "") });
	}
	return list;
}

export async function violations(iot: IoTClient, history: boolean, thingName: string | undefined): Promise<unknown> {
	if (history) {
		const out = await call(() => iot.send(new ListViolationEventsCommand({ thingName, startTime: new Date(0), endTime: new Date(Date.now() + 60_000) })));
		return { violationEvents: out.violationEvents ?? [] };
	}
	const out = await call(() => iot.send(new ListActiveViolationsCommand({ thingName })));
	return { activeViolations: out.activeViolations ?? [] };
}
