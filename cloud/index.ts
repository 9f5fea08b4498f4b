/*
 * index — the programmatic API of the self-hosted Device Defender: startCloud() composes the PKI, the
 * mutual-TLS broker, the reserved Defender topics, Detect, violations, alerts and the store.
 * See docs/cloud.md for a walkthrough; every option is described on CloudOptions.
 */
import { readFileSync } from "node:fs";
import type { Clock } from "../modules/platform/platform";
import { AlertDispatcher, type AlertOptions } from "./alerts";
import { TopicPolicy, type PolicyOverlay } from "./broker/policy";
import { GroupPolicies } from "./policies/store";
import { MetricsExport } from "./export/metrics-export";
import { startExternalBroker } from "./broker/external";
import { startBroker, type Broker, type BrokerHooks } from "./broker/server";
import type { BrokerLimits } from "./broker/limits";
import { ApiCloud } from "./api/api-cloud";
import { startApi, type ApiOptions } from "./api/index";
import { prepareConsole } from "./console-build";
import { CertificateStore } from "./api/store-certs";
import type { CertificateIdentity } from "./broker/identity";
import { realClock } from "./clock";
import { DetectEngine } from "./detect/engine";
import { createMlModels, mlModelsOn, type MlModels, type MlOptions } from "./detect/ml/index";
import { PgModelStore } from "./store/pg-models";
import { criteriaType, type SecurityProfile } from "./detect/profile";
import { Registry } from "./detect/registry";
import { openDefinitions } from "./definitions-store";
import { detectClientName, ensureCa, ensureDetectClientCertificate, ensureServerCertificate } from "./pki";
import { openStores } from "./store/open-store";
import type { ClusterOptions } from "./store/pg-partitions";
import { serverSans } from "./server-sans";
import { holdDataLock } from "./data-lock";

export { ALL_THINGS_ARN, thingGroupArn } from "./detect/registry";
export { CloudError, ErrorCodes } from "./errors";
export type { Cloud } from "./cloud";
export type { ApiCloud } from "./api/api-cloud";
export type { Api, ApiOptions, AccessKey } from "./api/index";
export type { Alert } from "./alerts";
export type { ViolationEvent } from "./detect/engine";
export type { SecurityProfile, Behavior } from "./detect/profile";
export type { ActiveViolation, ViolationFilter } from "./violations";
export type { EventQuery } from "./store";
export { EVENT_CAP_PER_HOUR } from "./event-cap";
export type { Reply } from "./reports/replies";
export type { ThingFiles } from "./pki";
export type { ThingMetrics } from "./thing-metrics";
export type { DetectCloud } from "./detect-cloud";
export type { Dimension } from "./detect/dimensions";
export type { CustomMetric } from "./detect/custom-metrics";
export type { MlOptions, ModelSummary } from "./detect/ml/index";

export interface CloudOptions {
	/** directory of cloud.sqlite, or ":memory:" (default) */
	dataDir?: string;
	/**
	 * postgres://user:password@host:port/database: Detect's state and history in PostgreSQL (migrated at start)
	 * instead of cloud.sqlite; the API's own tables and the alert outbox stay in `dataDir` (docs/cloud.md "PostgreSQL")
	 */
	database?: string;
	/** with `database` and an external `broker`: share the things with other cloud processes by partition leases */
	cluster?: ClusterOptions;
	/** address the embedded broker binds (default 127.0.0.1; "0.0.0.0" = every interface) */
	host?: string;
	/** extra subjectAltNames of the broker certificate besides this machine's names and addresses (server-sans.ts) */
	sans?: string[];
	/** 0 = ephemeral (read Cloud.port); default 8883 */
	port?: number;
	/** CA, server and thing certificates live here; the CA is created on first use */
	pkiDir: string;
	clock?: Clock;
	/** extra topic filters every thing may publish/subscribe (`${iot:ClientId}` = the thing name) */
	allowTopics?: string[];
	/** throttle: minimum seconds between accepted reports of one thing (default 300, as AWS) */
	minReportIntervalSeconds?: number;
	/** reject a report id lower than the last accepted one (default false: accepted) */
	rejectLowerReportIds?: boolean;
	/** alarms of a thing silent longer than this are invalidated (default 172800 = two days) */
	invalidateAfterSeconds?: number;
	/**
	 * Run against an external broker (mosquitto with the config of `writeMosquittoConf`) instead of the embedded
	 * one: Detect subscribes as the privileged client `defender-detect`. PEM text; `ca` defaults to the pki
	 * CA, and unless both `cert` and `key` are given the Detect client certificate created in the pki dir is used. `port`, `host` and `allowTopics` are
	 * then the broker's business. Cloud-side metrics are unavailable in this mode.
	 */
	broker?: ExternalBroker;
	/** limits of the embedded broker (defaults from LIMITS; docs/cloud.md "Limits and refusals (broker)") */
	brokerLimits?: Partial<BrokerLimits>;
	/** stdout, JSON-lines file and webhook sinks for alerts */
	alerts?: AlertOptions;
	log?: (s: string) => void;
	/** serve the AWS IoT control-plane API (SigV4, docs/api.md); `cloud.api` has its URL and first access key */
	api?: ApiOptions;
	/** ML Detect training rules (defaults AWS's: 14 days, 25,000 datapoints; docs/cloud.md "ML Detect") */
	ml?: MlOptions;
}

export type { AlertOptions };

export interface ExternalBroker {
	/** mqtts://host:port */
	url: string;
	ca?: string;
	cert?: string;
	key?: string;
	/** the broker loads the Defender plugin (`writeMosquittoConf({plugin})`): cloud-side metrics come from its counters */
	plugin?: boolean;
}

function connectBroker(options: CloudOptions, hooks: BrokerHooks, log: (s: string) => void, identity: CertificateIdentity, overlay: PolicyOverlay): Promise<Broker> {
	const ext = options.broker;
	const tls = ensureServerCertificate(options.pkiDir, ext ? undefined : serverSans(options.sans));
	const clock = options.clock;
	if (!ext) {
		return startBroker({
			host: options.host ?? "127.0.0.1",
			port: options.port ?? 8883,
			key: readFileSync(tls.keyPem, "utf8"),
			cert: readFileSync(tls.certPem, "utf8"),
			ca: readFileSync(tls.caPem, "utf8"),
			policy: new TopicPolicy(options.allowTopics, overlay),
			hooks,
			log,
			limits: options.brokerLimits,
			ticks: clock && (() => clock.ticks()),
			identity,
		});
	}
	const client = ext.cert && ext.key ? undefined : ensureDetectClientCertificate(options.pkiDir, options.cluster?.node);
	return startExternalBroker({
		url: ext.url,
		ca: ext.ca ?? readFileSync(tls.caPem, "utf8"),
		cert: client ? readFileSync(client.certPem, "utf8") : ext.cert!,
		key: client ? readFileSync(client.keyPem, "utf8") : ext.key!,
		hooks,
		log,
		plugin: ext.plugin,
		...(options.cluster ? { clientId: detectClientName(options.cluster.node) } : {}),
	});
}

/** UpdateCertificate away from ACTIVE cuts off the certificate's live connections at once (embedded broker). */
function enforceCertificateStatus(certificates: CertificateStore, broker: Broker): void {
	certificates.onStatusChange((id, status) => {
		if (status !== "ACTIVE") broker.disconnectCertificate?.(id, `certificate ${id} is ${status}`);
	});
}

/** Starts the cloud; resolves once the broker listens (or Detect is subscribed to the external broker). */
export async function startCloud(options: CloudOptions): Promise<ApiCloud> {
	const clock = options.clock ?? realClock;
	const log = options.log ?? ((s: string) => process.stderr.write(s + "\n"));
	ensureCa(options.pkiDir);
	if (options.cluster && !options.broker) throw new Error("cluster: the cloud processes share one external broker: give `broker` (--broker mqtts://…) too");
	// the plugin's counters arrive for every thing at every process: not partitioned yet (docs/cloud.md "PostgreSQL")
	if (options.cluster && options.broker?.plugin) throw new Error("cluster: the Defender plugin's cloud-side counters are not partitioned yet: run the cluster without --plugin");
	const api = options.api;
	const opened = await openStores(options, log);
	const { local: store, partitions } = opened;
	const definitions = openDefinitions(store.database, () => clock.now());
	const registry = new Registry(opened.runtime, opened.removals, definitions);
	definitions.usedBy = (kind, name) => registry.profilesUsing(kind, name);
	definitions.onChange(() => registry.refresh());
	registry.restore(opened.registry.profiles, opened.registry.targets, opened.registry.groups);
	let ml: MlModels | undefined;
	if (opened.pg && options.cluster) {
		// a model is trained over the whole fleet's history, by one process: not partitioned yet
		registry.refuseMachineLearning = ML_IN_CLUSTER;
		const named = mlBehaviors(opened.registry.profiles);
		if (named.length) {
			await opened.runtime.close();
			store.close();
			throw new Error(`${ML_IN_CLUSTER}; the database holds ML behaviors (${named.join(", ")}): delete them, or run one cloud process (without --node)`);
		}
	} else if (opened.pg) {
		const models = new PgModelStore(opened.pg.pool, log);
		try {
			ml = mlModelsOn(registry, opened.pg, models, await models.load(), options.ml);
		} catch (e) {
			await opened.runtime.close();
			store.close();
			throw e;
		}
	} else ml = createMlModels(registry, store, options.ml);
	if (ml) ml.onError = log;
	const engine = new DetectEngine(registry, { invalidateAfterSeconds: options.invalidateAfterSeconds ?? 172_800, now: clock.now(), ml });
	engine.restore(opened.things.states, opened.things.seen);
	const alerts = new AlertDispatcher(options.alerts ?? {}, clock, log, store.outbox);
	const certificates = new CertificateStore(store.database);
	const policies = new GroupPolicies(store.database, registry, options.broker === undefined);
	const cloud = new ApiCloud({
		clock,
		log,
		store: opened.runtime,
		partitions,
		registry,
		engine,
		ml,
		alerts,
		definitions,
		pkiDir: options.pkiDir,
		intake: { minReportIntervalSeconds: options.minReportIntervalSeconds ?? 300, rejectLowerReportIds: options.rejectLowerReportIds ?? false },
	});
	let broker: Broker;
	try {
		broker = await connectBroker(options, cloud.hooks(), log, certificates, policies);
	} catch (e) {
		await cloud.stop();
		throw e;
	}
	cloud.attach(broker);
	enforceCertificateStatus(certificates, broker);
	engine.onEvaluated(new MetricsExport({ publish: (topic, payload) => broker.publish(topic, payload, 1), log, external: options.broker !== undefined }).evaluated);
	if (partitions) {
		const stop = cloud.stop.bind(cloud);
		cloud.stop = async () => (await partitions.stop(), stop());
		try {
			await partitions.start(cloud);
		} catch (e) {
			await cloud.stop();
			throw e;
		}
	}
	if (api) {
		try {
			await prepareConsole(api.console, log);
			cloud.serve(await startApi({ cloud, registry, engine, store, clock, pkiDir: options.pkiDir, log, certificates, policies, ml, pg: opened.pg }, api));
		} catch (e) {
			await cloud.stop();
			throw e;
		}
	}
	if (options.dataDir !== undefined && options.dataDir !== ":memory:") {
		const release = holdDataLock(options.dataDir, cloud.api?.url);
		const stop = cloud.stop.bind(cloud);
		cloud.stop = () => (release(), stop());
	}
	return cloud;
}

const ML_IN_CLUSTER = "ML Detect (MACHINE_LEARNING behaviors) is not available in a cluster (--node) yet: each model is trained over the whole fleet's history by one process (docs/cloud.md \"PostgreSQL\")";

/** "profile/behavior" of every MACHINE_LEARNING behavior. */
function mlBehaviors(profiles: SecurityProfile[]): string[] {
	return profiles.flatMap((p) => (p.behaviors ?? []).filter((b) => criteriaType(b) === "MACHINE_LEARNING").map((b) => `${p.securityProfileName}/${b.name}`));
}

