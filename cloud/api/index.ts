/*
 * api — the AWS IoT control-plane API of the running cloud (docs/api.md): builds the stores on the cloud's
 * database, the routes (Detect, things and groups, certificates) and the SigV4-checked HTTP(S) server.
 */
import { readFileSync } from "node:fs";
import type { Clock } from "../../modules/platform/platform";
import type { DetectCloud } from "../detect-cloud";
import type { DetectEngine } from "../detect/engine";
import type { Registry } from "../detect/registry";
import { ensureServerCertificate } from "../pki";
import type { CloudStore } from "../store";
import type { ApiContext } from "./context";
import { certificateRoutes } from "./routes-certs";
import { profileRoutes } from "./routes-profiles";
import { thingRoutes } from "./routes-things";
import { tagRoutes } from "./routes-tags";
import { violationRoutes } from "./routes-violations";
import { definitionRoutes } from "./routes-definitions";
import { mitigationRoutes } from "./routes-mitigation";
import { policyRoutes } from "./routes-policies";
import { MitigationStore } from "../mitigation/store";
import { resumeTasks, type TaskDeps } from "../mitigation/tasks";
import { autoMitigate, type AutoMitigationRule } from "../mitigation/auto";
import { GroupPolicies } from "../policies/store";
import { mlRoutes } from "./routes-ml";
import type { MlModels } from "../detect/ml/models";
import { Router } from "./router";
import { listen } from "./server";
import { CertificateStore } from "./store-certs";
import { AccessKeyStore, type AccessKey } from "./store-keys";
import { ProfileMetaStore } from "./store-registry";
import { TagStore } from "./store-tags";
import { ThingStore } from "./store-things";
import { startSns, type SnsOptions } from "../sns/index";
import { snsEndpoint } from "../sns/sns-http";
import { startConsole, type ConsoleOptions } from "../console/index";
import { PgReads, SqliteReads } from "../console/persisted";
import type { PgStore } from "../store/pg-store";

export type { AccessKey };

export interface ApiOptions {
	/** 0 = ephemeral (read api.port); default 8443 */
	port?: number;
	/** address the API binds (default 127.0.0.1) */
	host?: string;
	/** serve HTTPS with the cloud's server certificate (CA in the pki dir) instead of HTTP */
	https?: boolean;
	/** the SNS subset (docs/api.md "SNS"): SMTP relay, From:, delivery back-off */
	sns?: SnsOptions;
	/** the web console under /console/ (docs/console.md); false: not served */
	console?: ConsoleOptions | false;
	/** beyond AWS: start a mitigation task on each in-alarm of these behaviors (docs/api.md "Automatic mitigation") */
	autoMitigation?: AutoMitigationRule[];
}

export interface Api {
	port: number;
	/** http(s)://127.0.0.1:port — the --endpoint-url for the aws CLI, `endpoint` for the SDK */
	url: string;
	/** the first access key pair (created with the data dir) */
	accessKey: AccessKey;
	close(): Promise<void>;
}

export interface ApiDeps {
	cloud: DetectCloud;
	registry: Registry;
	engine: DetectEngine;
	store: CloudStore;
	clock: Clock;
	pkiDir: string;
	log: (s: string) => void;
	/** the certificate store the broker asks at CONNECT (created on the database when absent) */
	certificates?: CertificateStore;
	/** the thing-group policies the broker enforces (created on the database, not enforced, when absent) */
	policies?: GroupPolicies;
	/** ML Detect's models (GetBehaviorModelTrainingSummaries) */
	ml?: MlModels;
	/** the PostgreSQL store holding Detect's state and history (`--database`): the console reads it there */
	pg?: PgStore;
}

function taskDeps(deps: ApiDeps, running: () => boolean): TaskDeps {
	const { cloud, registry } = deps;
	return {
		store: new MitigationStore(deps.store.database),
		clock: deps.clock,
		log: deps.log,
		activeViolations: (f) => cloud.listActiveViolations(f),
		violationEvents: (q) => cloud.queryViolationEventsAsync(q),
		groupsOf: (t) => registry.groupsOf(t),
		hasThingGroup: (g) => registry.hasThingGroup(g),
		addThingToThingGroup: (t, g) => cloud.addThingToThingGroup(t, g),
		running,
	};
}

/** The first access key of a data dir's database, created if there is none (CLI `api-key`). */
export function firstAccessKey(store: CloudStore): AccessKey {
	return new AccessKeyStore(store.database).first(Date.now());
}

export async function startApi(deps: ApiDeps, options: ApiOptions): Promise<Api> {
	const db = deps.store.database;
	const keys = new AccessKeyStore(db);
	const policies = deps.policies ?? new GroupPolicies(db, deps.registry, false);
	const ctx: ApiContext = {
		cloud: deps.cloud,
		registry: deps.registry,
		engine: deps.engine,
		clock: deps.clock,
		profiles: new ProfileMetaStore(db),
		things: new ThingStore(db),
		certificates: deps.certificates ?? new CertificateStore(db),
		tags: new TagStore(db),
		pkiDir: deps.pkiDir,
		brokerEndpoint: () => `127.0.0.1:${deps.cloud.port}`,
		groupDeleted: (g) => policies.groupDeleted(g),
	};
	const router = new Router().add(profileRoutes(ctx)).add(violationRoutes(ctx)).add(thingRoutes(ctx)).add(certificateRoutes(ctx)).add(tagRoutes(ctx)).add(definitionRoutes(ctx));
	let open = true;
	const tasks = taskDeps(deps, () => open);
	resumeTasks(tasks);
	autoMitigate(tasks, options.autoMitigation ?? [], (cb) => deps.cloud.onViolationEvent(cb));
	router.add(mitigationRoutes(ctx, tasks)).add(policyRoutes(ctx, policies));
	if (deps.ml) router.add(mlRoutes(deps.ml, deps.registry));
	let baseUrl = "";
	const sns = startSns({ cloud: deps.cloud, registry: deps.registry, store: deps.store, clock: deps.clock, log: deps.log, baseUrl: () => baseUrl }, options.sns);
	const secretOf = (id: string): string | undefined => keys.secretOf(id);
	const tlsFiles = options.https ? ensureServerCertificate(deps.pkiDir) : undefined;
	const reads = deps.pg ? new PgReads(deps.pg, () => deps.cloud.committed()) : new SqliteReads(deps.store);
	const web = options.console === false ? undefined : startConsole({ api: ctx, store: deps.store, reads, secretOf, https: options.https === true, log: deps.log }, options.console);
	const server = await listen({
		host: options.host ?? "127.0.0.1",
		port: options.port ?? 8443,
		tls: tlsFiles && { key: readFileSync(tlsFiles.keyPem, "utf8"), cert: readFileSync(tlsFiles.certPem, "utf8") },
		router,
		secretOf,
		now: () => Date.now(),
		log: deps.log,
		query: snsEndpoint(sns, secretOf, () => Date.now(), deps.log),
		console: web,
	}).catch((e: unknown) => {
		open = false;
		sns.stop();
		web?.close();
		throw e;
	});
	baseUrl = server.url;
	const close = async (): Promise<void> => ((open = false), sns.stop(), web?.close(), await server.close());
	return { ...server, close, accessKey: keys.first(Date.now()) };
}
