/*
 * index — the programmatic API of the self-hosted Device Defender: startCloud() composes the PKI, the
 * mutual-TLS broker, the reserved Defender topics, Detect, violations, alerts and the store.
 * See docs/cloud.md for a walkthrough; every option is described on CloudOptions.
 */
import { readFileSync } from "node:fs";
import type { Clock } from "../modules/platform/platform";
import { AlertDispatcher, type AlertOptions } from "./alerts";
import { TopicPolicy } from "./broker/policy";
import { startExternalBroker } from "./broker/external";
import { startBroker, type Broker, type BrokerHooks } from "./broker/server";
import type { BrokerLimits } from "./broker/limits";
import { ApiCloud } from "./api/api-cloud";
import { startApi, type ApiOptions } from "./api/index";
import { CertificateStore } from "./api/store-certs";
import type { CertificateIdentity } from "./broker/identity";
import { realClock } from "./clock";
import { DetectEngine } from "./detect/engine";
import { Registry } from "./detect/registry";
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

function connectBroker(options: CloudOptions, hooks: BrokerHooks, log: (s: string) => void, identity: CertificateIdentity): Promise<Broker> {
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
			policy: new TopicPolicy(options.allowTopics),
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
	const opened = await openStores(options, log);
	const { local: store, partitions } = opened;
	const registry = new Registry(opened.runtime, opened.removals);
	registry.restore(opened.registry.profiles, opened.registry.targets, opened.registry.groups);
	const engine = new DetectEngine(registry, { invalidateAfterSeconds: options.invalidateAfterSeconds ?? 172_800, now: clock.now() });
	engine.restore(opened.things.states, opened.things.seen);
	const alerts = new AlertDispatcher(options.alerts ?? {}, clock, log, store.outbox);
	const certificates = new CertificateStore(store.database);
	const cloud = new ApiCloud({
		clock,
		log,
		store: opened.runtime,
		partitions,
		registry,
		engine,
		alerts,
		pkiDir: options.pkiDir,
		intake: { minReportIntervalSeconds: options.minReportIntervalSeconds ?? 300, rejectLowerReportIds: options.rejectLowerReportIds ?? false },
	});
	let broker: Broker;
	try {
		broker = await connectBroker(options, cloud.hooks(), log, certificates);
	} catch (e) {
		await cloud.stop();
		throw e;
	}
	cloud.attach(broker);
	enforceCertificateStatus(certificates, broker);
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
	if (options.api) {
		try {
			cloud.serve(await startApi({ cloud, registry, engine, store, clock, pkiDir: options.pkiDir, log, certificates }, options.api));
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
