/*
 * cli — `npm run cloud -- <command>`: run the broker in the foreground, manage the CA and thing
 * certificates, thing groups, security profiles and list violations. Configuration commands work on the
 * data dir directly (restart a running `start` to pick them up). Bad input exits with code 2.
 */
import { chownSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, option, required, intOption, UsageError, type Args } from "./cli-args";
import { ALL_THINGS_ARN, Registry, thingGroupArn } from "./detect/registry";
import { validateSecurityProfile } from "./detect/validate";
import { writeMosquittoConf } from "./broker/mosquitto-conf";
import { firstAccessKey, type ApiOptions } from "./api/index";
import { revokeCertificate } from "./broker/revocation";
import { CloudError } from "./errors";
import { writeModdableFiles, type ModdableFiles } from "./moddable-files";
import { startCloud } from "./index";
import { realClock } from "./clock";
import { TerminalStatus } from "./terminal";
import { databaseOptions, detectNodesOption } from "./cli-database";
import { HELP } from "./cli-help";
import { autoMitigationOption, runMitigationCommand } from "./cli-mitigation";
import * as client from "./cli-client";
import * as detect from "./cli-detect";
import { openDefinitions } from "./definitions-store";
import { VerificationTable } from "./verification";
import { runningCloud } from "./data-lock";
import { checkSan, serverSans } from "./server-sans";
import { isIP } from "node:net";
import { ensureCa, ensureDetectClientCertificate, ensureServerCertificate, issueThingCertificate } from "./pki";
import { CloudStore } from "./store";
import { activeViolations } from "./violations";
import { mlModels, mlOption } from "./cli-ml";


const dataDir = (a: Args): string => option(a, "data", ".cloud/data")!;
const pkiDir = (a: Args): string => option(a, "pki", ".cloud/pki")!;
const print = (v: unknown): void => void process.stdout.write((typeof v === "string" ? v : JSON.stringify(v, null, 2)) + "\n");

function readJson(file: string): unknown {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch (e) {
		throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
	}
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
	}
}

function withRegistry<T>(a: Args, fn: (r: Registry, s: CloudStore) => T): T {
	const store = new CloudStore(dataDir(a));
	try {
		const registry = new Registry(store, undefined, openDefinitions(store.database, () => Date.now()));
		const saved = store.loadRegistry();
		registry.restore(saved.profiles, saved.targets, saved.groups);
		return fn(registry, store);
	} finally {
		store.close();
	}
}

function positional(a: Args, i: number, what: string): string {
	const v = a.positionals[i];
	if (v === undefined) throw new UsageError(`missing ${what}`);
	return v;
}

function brokerOption(a: Args): { url: string; plugin: boolean } | undefined {
	const url = option(a, "broker");
	if (url === undefined) {
		if (option(a, "plugin")) throw new UsageError("--plugin goes with --broker (the external mosquitto that loads it)");
		return undefined;
	}
	if (!/^mqtts:\/\/[^/\s]+$/.test(url)) throw new UsageError(`--broker must be mqtts://host:port, got "${url}"`);
	return { url, plugin: option(a, "plugin") !== undefined };
}

function readText(file: string, what: string): string {
	try {
		return readFileSync(file, "utf8");
	} catch (e) {
		throw new UsageError(`${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
	}
}

function apiOption(a: Args): ApiOptions | undefined {
	const mailFrom = option(a, "mail-from");
	if (option(a, "api-port") === undefined) {
		if (["smtp", "smtp-ca", "mail-from"].some((n) => option(a, n) !== undefined)) throw new UsageError("--smtp, --smtp-ca and --mail-from need --api-port (SNS is served by the API)");
		if (option(a, "auto-mitigate") !== undefined) throw new UsageError("--auto-mitigate needs --api-port (mitigation is served by the API)");
		return undefined;
	}
	const scheme = option(a, "api-scheme", "http");
	if (scheme !== "http" && scheme !== "https") throw new UsageError(`--api-scheme must be http or https, got "${scheme}"`);
	// the relay's password in argv is visible to `ps`: CLOUD_SMTP_URL in the environment keeps it out
	const smtp = option(a, "smtp") ?? process.env.CLOUD_SMTP_URL;
	if (smtp !== undefined && !/^smtps?:\/\/\S+$/.test(smtp)) throw new UsageError(`--smtp must be smtp://[user:pass@]host:port or smtps://…, got "${smtp}"`);
	if (mailFrom !== undefined && !/^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom)) throw new UsageError(`--mail-from must be an e-mail address, got "${mailFrom}"`);
	const caFile = option(a, "smtp-ca");
	const autoMitigation = autoMitigationOption(a.options.get("auto-mitigate") ?? []);
	return { port: intOption(a, "api-port", 8443), host: option(a, "host"), https: scheme === "https", sns: { smtp, mailFrom, smtpCa: caFile === undefined ? undefined : readText(caFile, "--smtp-ca") }, autoMitigation };
}

function apiKey(a: Args): void {
	const store = new CloudStore(dataDir(a));
	try {
		const key = firstAccessKey(store);
		print(`AWS_ACCESS_KEY_ID=${key.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`);
	} finally {
		store.close();
	}
}

/** --san values (checked) joined with this machine's names and addresses. */
function sanOption(a: Args): string[] {
	const sans = a.options.get("san") ?? [];
	const bad = sans.map(checkSan).find((p) => p !== undefined);
	if (bad !== undefined) throw new UsageError(`--san: ${bad}`);
	return serverSans(sans);
}

/** `start` refuses options it does not know and values out of range before anything is opened. */
function startOptions(a: Args): { port: number; webhook?: string; host: string; sans: string[] } {
	const port = intOption(a, "port", 8883);
	if (port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
	const webhook = option(a, "webhook");
	if (webhook !== undefined && !/^https?:\/\/\S+$/.test(webhook)) throw new UsageError(`--webhook must be an http:// or https:// URL, got "${webhook}"`);
	const host = option(a, "host", "127.0.0.1") ?? "127.0.0.1";
	if (isIP(host) === 0) throw new UsageError(`--host must be an IP address of this machine (0.0.0.0 = every interface), got "${host}"`);
	return { port, webhook, host, sans: sanOption(a) };
}

async function start(a: Args): Promise<void> {
	const { port, webhook, host, sans } = startOptions(a);
	const statusSeconds = intOption(a, "status-interval", 60);
	if (statusSeconds < 1) throw new UsageError(`--status-interval must be at least 1 second, got ${statusSeconds}`);
	const running = runningCloud(dataDir(a));
	if (running !== undefined) throw new UsageError(`a cloud is already running on ${dataDir(a)} (pid ${running.pid})`);
	const broker = brokerOption(a);
	const api = apiOption(a);
	const db = databaseOptions(a, broker);
	const ml = mlOption(a);
	if (db.cluster !== undefined && ml !== undefined) throw new UsageError("--ml-training-days / --ml-min-datapoints: ML Detect is not available in a cluster (--node) yet (docs/cloud.md \"PostgreSQL\")");
	const cloud = await startCloud({
		...db,
		broker,
		port,
		host,
		sans,
		dataDir: dataDir(a),
		pkiDir: pkiDir(a),
		allowTopics: a.options.get("allow") ?? [],
		minReportIntervalSeconds: intOption(a, "min-interval", 300),
		invalidateAfterSeconds: intOption(a, "invalidate-after", 172_800),
		alerts: { stdout: option(a, "no-stdout") === undefined, stdoutFormat: option(a, "json") === undefined ? "text" : "json", jsonl: option(a, "jsonl"), webhook },
		api,
		ml,
	});
	const where = broker ? `Detect subscribed to external broker ${broker.url}` : `broker on mqtts://${host}:${cloud.port}`;
	process.stderr.write(`cloud: ${where} (pki ${pkiDir(a)}, data ${dataDir(a)})\n`);
	if (cloud.api) process.stderr.write(`cloud: API on ${cloud.api.url}, access key ${cloud.api.accessKey.accessKeyId} (secret: npm run cloud -- api-key)\n`);
	// on PostgreSQL the console is not served (startCloud logs why)
	if (cloud.api && db.database === undefined) process.stderr.write(`cloud: web console on ${cloud.api.url}/console/ (log in with that access key id and secret)\n`);
	const terminal = new TerminalStatus(cloud, { clock: realClock, log: (s) => process.stderr.write(s + "\n"), statusSeconds });
	const stop = (): void => (terminal.stop(), void cloud.stop().then(() => process.exit(0)));
	process.on("SIGINT", stop);
	process.on("SIGTERM", stop);
}

function mosquittoConf(a: Args): void {
	const port = intOption(a, "port", 0);
	if (port < 1 || port > 65535) throw new UsageError("mosquitto-conf needs --port 1..65535");
	const revokedFile = option(a, "revoked");
	const withPlugin = option(a, "plugin") !== undefined;
	if (revokedFile !== undefined && !withPlugin) throw new UsageError("--revoked needs --plugin");
	const things = a.options.get("thing");
	if (withPlugin && (things !== undefined || option(a, "dynsec") !== undefined)) throw new UsageError("--thing and --dynsec are for the stock mode, not --plugin");
	const ca = ensureCa(pkiDir(a));
	const made = [ca.certPem, ca.keyPem, ca.certDer, ...[ensureServerCertificate(pkiDir(a), sanOption(a)), ensureDetectClientCertificate(pkiDir(a))].flatMap((f) => [f.certPem, f.keyPem])];
	// run as root (to hand the broker's files to its user): the pki stays its owner's, so the cloud can read the Detect key
	const owner = statSync(pkiDir(a));
	if (process.getuid?.() === 0) for (const p of made) chownSync(p, owner.uid, owner.gid);
	const plugin = withPlugin ? { revokedFile } : undefined;
	const files = writeMosquittoConf({ port, pkiDir: pkiDir(a), outDir: required(a, "out"), allowTopics: a.options.get("allow") ?? [], things, detectNodes: detectNodesOption(a), user: option(a, "user"), dynsecPlugin: option(a, "dynsec"), plugin });
	if (!withPlugin && files.things.length === 0) process.stderr.write(`warning: no thing certificates in ${pkiDir(a)} and no --thing: mosquitto will admit no thing (issue them, then run mosquitto-conf again)\n`);
	print(files);
}

function revoke(a: Args): void {
	const serial = option(a, "serial");
	const thing = a.positionals[1];
	if ((serial === undefined) === (thing === undefined)) throw new UsageError("revoke needs a thing name or --serial HEX (one of them)");
	try {
		revokeCertificate(required(a, "file"), serial !== undefined ? { serial } : { thing: thing ?? "" });
	} catch (e) {
		throw e instanceof UsageError ? e : new UsageError((e as Error).message);
	}
	print("ok");
}

const apiClient = (a: Args): ReturnType<typeof client.connect> | undefined => client.forDataDir(option(a, "endpoint"), dataDir(a), pkiDir(a));

async function group(a: Args): Promise<void> {
	const verb = positional(a, 1, "group verb (create|add)");
	if (verb !== "create" && verb !== "add") throw new UsageError(`unknown group verb ${verb}`);
	const name = positional(a, 2, "group name");
	const thing = verb === "add" ? positional(a, 3, "thing name") : undefined;
	if (verb === "create" && a.positionals.length > 3) throw new UsageError(`group create: unexpected argument ${a.positionals[3]}`);
	const iot = apiClient(a);
	if (iot) {
		if (thing === undefined) return print(await client.groupCreate(iot, name));
		await client.groupAdd(iot, name, thing);
		return print("ok");
	}
	withRegistry(a, (r) => {
		if (thing === undefined) return print(r.createThingGroup(name));
		r.addThingToThingGroup(thing, name);
		print("ok");
	});
}

function targetOf(a: Args): string {
	if (option(a, "all")) return ALL_THINGS_ARN;
	const g = option(a, "group");
	if (g !== undefined) return thingGroupArn(g);
	return required(a, "target");
}

async function profile(a: Args): Promise<void> {
	const verb = positional(a, 1, "profile verb (create|list|attach)");
	if (!["create", "list", "attach"].includes(verb)) throw new UsageError(`unknown profile verb ${verb}`);
	const name = verb === "attach" ? positional(a, 2, "profile name") : undefined;
	if (name === undefined && a.positionals.length > 2) throw new UsageError(`profile ${verb}: unexpected argument ${a.positionals[2]}`);
	const json = verb === "create" ? readJson(required(a, "file")) : undefined;
	const target = name !== undefined ? targetOf(a) : undefined;
	const iot = apiClient(a);
	if (iot) {
		if (verb === "create") return print(await client.profileCreate(iot, json));
		if (verb === "list") return print(await client.profileList(iot));
		await client.profileAttach(iot, name ?? "", target ?? "");
		return print("ok");
	}
	withRegistry(a, (r) => {
		if (verb === "create") return print({ securityProfileName: r.createSecurityProfile(json).securityProfileName });
		if (verb === "list") return print(r.listSecurityProfiles());
		r.attachSecurityProfile(name ?? "", target ?? "");
		print("ok");
	});
}

function validate(a: Args): number {
	const validationErrors = validateSecurityProfile(readJson(required(a, "file")));
	print({ valid: validationErrors.length === 0, validationErrors });
	return validationErrors.length === 0 ? 0 : 1;
}

async function violations(a: Args): Promise<void> {
	const filter = { thingName: option(a, "thing") };
	const history = option(a, "history") !== undefined;
	const iot = apiClient(a);
	if (iot) return print(await client.violations(iot, history, filter.thingName));
	withRegistry(a, (r, s) => {
		if (history) return print(s.violationEvents(filter));
		print({ activeViolations: new VerificationTable(s.database).decorate(activeViolations(s.loadStates(), (n) => r.describeSecurityProfile(n), filter)) });
	});
}

function moddableFiles(a: Args): ModdableFiles {
	const ca = option(a, "ca") ?? join(pkiDir(a), "ca.cert.pem");
	return writeModdableFiles({ cert: required(a, "cert"), key: required(a, "key"), ca, outDir: required(a, "out") });
}

async function run(argv: string[]): Promise<number> {
	const a = parseArgs(argv);
	const cmd = a.positionals[0] ?? "help";
	switch (cmd) {
		case "start":
			await start(a);
			return -1;
		case "ca":
			print(ensureCa(pkiDir(a)));
			return 0;
		case "cert":
			print(issueThingCertificate(pkiDir(a), positional(a, 1, "thing name")));
			return 0;
		case "moddable-files":
			print(moddableFiles(a));
			return 0;
		case "api-key":
			apiKey(a);
			return 0;
		case "mosquitto-conf":
			mosquittoConf(a);
			return 0;
		case "revoke":
			revoke(a);
			return 0;
		case "group":
			await group(a);
			return 0;
		case "profile":
			await profile(a);
			return 0;
		case "validate":
			return validate(a);
		case "violations":
			await violations(a);
			return 0;
		case "dimension":
		case "custom-metric":
		case "verify":
			print(await detect[cmd === "custom-metric" ? "customMetric" : cmd](a, { dataDir: dataDir(a), pkiDir: pkiDir(a) }));
			return 0;
		case "mitigation":
		case "policy":
		case "metrics":
			print(await runMitigationCommand(a));
			return 0;
		case "ml-models":
			print(await mlModels(a));
			return 0;
		case "help":
			print(HELP);
			return 0;
		default:
			throw new UsageError(`unknown command ${cmd} (try: help)`);
	}
}

run(process.argv.slice(2)).then(
	(code) => {
		if (code >= 0) process.exitCode = code;
	},
	(e: Error) => {
		const detail = e instanceof CloudError ? e.validationErrors.map((v) => `\n  - ${v.errorMessage}`).join("") : "";
		process.stderr.write(`error: ${e instanceof CloudError ? `${e.code}: ` : ""}${e.message}${detail}\n`);
		// exit now: a failed `start` may leave handles open (e.g. the broker's timers) that would keep it running
		process.exit(e instanceof UsageError || e instanceof CloudError ? 2 : 1);
	},
);
