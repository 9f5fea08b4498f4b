/*
 * external — Detect as an ordinary, privileged subscriber of an external broker (mosquitto, EMQX, …):
 * connects over mutual TLS with its own certificate (CN `defender-detect`), subscribes to every thing's
 * report topics `$aws/things/+/defender/metrics/+` at QoS 1 and publishes the replies. Per-thing
 * authorization is the broker's job (its policy, see mosquitto-dynsec.ts); the thing name comes from the topic.
 * A plain broker tells a subscriber nothing about other clients, so the cloud-side metrics are unavailable,
 * unless it runs our plugin (plugin: true), whose per-thing counters arrive on `$defender/metrics/+`.
 *
 * No report may be lost between broker and Detect: the session is persistent (clean=false, fixed client
 * id), so the broker queues reports while Detect is away (mosquitto-conf: no queue limit) and hands them
 * over on reconnect; the handler is installed before CONNECT so those are not missed, and a QoS 1 report
 * is acknowledged only after its (synchronous) evaluation: a Detect crash before that means redelivery.
 * Every delivery is counted by a ReportAudit (delivered vs evaluated; broker-side counts plug in there).
 */
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import { DETECT_CLIENT_CN } from "../pki";
import { matchReportTopic } from "../reports/topics";
import { ReportAudit } from "./report-audit";
import { PLUGIN_METRICS_FILTER } from "./plugin";
import { PluginMetrics } from "./plugin-metrics";
import type { Broker, BrokerHooks } from "./server";

export const DETECT_CLIENT_ID = DETECT_CLIENT_CN;
export const REPORT_FILTER = "$aws/things/+/defender/metrics/+";

export interface ExternalBrokerOptions {
	/** mqtts://host:port */
	url: string;
	/** PEM text: the CA that signed the broker's certificate, the Detect client's certificate and key */
	ca: string;
	cert: string;
	key: string;
	clientId?: string;
	hooks: BrokerHooks;
	/** counts delivered/evaluated reports; default: a new one logging to `log` */
	audit?: ReportAudit;
	log: (s: string) => void;
	/** the broker runs the Defender plugin (plugin.ts): its counters give the cloud-side metrics */
	plugin?: boolean;
}

function portOf(url: string): number {
	const u = new URL(url);
	if (u.protocol !== "mqtts:") throw new Error(`external broker URL must be mqtts://host:port (mutual TLS), got ${url}`);
	return Number(u.port || 8883);
}

/**
 * Reports reach Detect through mqtt.js's handleMessage hook, whose callback sends the PUBACK: a report is
 * acknowledged only once evaluated. Until the cloud has attached the broker (replies need it), reports are
 * held and their acknowledgements with them (mqtt.js reads nothing more meanwhile); `open()` runs them.
 */
class Intake {
	#open = false;
	readonly #held: { packet: IPublishPacket; done: () => void }[] = [];

	constructor(
		private readonly o: ExternalBrokerOptions,
		private readonly audit: ReportAudit,
		private readonly plugin?: PluginMetrics,
	) {}

	handle(packet: IPublishPacket, done: () => void): void {
		if (!this.#open) return void this.#held.push({ packet, done });
		this.#evaluate(packet);
		done();
	}

	open(): void {
		this.#open = true;
		for (const { packet, done } of this.#held.splice(0)) {
			this.#evaluate(packet);
			done();
		}
	}

	#evaluate(packet: IPublishPacket): void {
		const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
		if (this.plugin && PluginMetrics.isPluginTopic(packet.topic)) return this.plugin.handle(packet.topic, payload);
		this.audit.deliver(matchReportTopic(packet.topic)?.thing ?? packet.topic, () => this.o.hooks.report(packet.topic, payload));
	}
}

function connect(o: ExternalBrokerOptions, intake: Intake): Promise<{ client: MqttClient; sessionPresent: boolean }> {
	const client = mqtt.connect(o.url, {
		manualConnect: true,
		clientId: o.clientId ?? DETECT_CLIENT_ID,
		ca: o.ca,
		cert: o.cert,
		key: o.key,
		rejectUnauthorized: true,
		protocolVersion: 4,
		clean: false,
		reconnectPeriod: 1000,
		connectTimeout: 10_000,
	});
	// before CONNECT: a persistent session's queued reports arrive right after CONNACK
	client.handleMessage = (packet, done) => intake.handle(packet, () => done());
	client.connect();
	return new Promise((resolve, reject) => {
		let lastError = "connection closed";
		const onError = (e: Error): void => void (lastError = e.message);
		const onClose = (): void => {
			client.off("error", onError);
			client.end(true);
			reject(new Error(`cannot connect to the external broker ${o.url}: ${lastError}`));
		};
		client.on("error", onError);
		client.once("close", onClose);
		client.once("connect", (connack) => {
			client.off("error", onError);
			client.off("close", onClose);
			resolve({ client, sessionPresent: connack.sessionPresent });
		});
	});
}

async function subscribe(client: MqttClient, filters: string[]): Promise<void> {
	const refused = new Error(`the external broker refused the subscription ${filters.join(", ")} (check its policy for ${DETECT_CLIENT_ID})`);
	const granted = await client.subscribeAsync(filters, { qos: 1 }).catch((e: Error) => {
		throw /Subscribe error/.test(e.message) ? refused : e;
	});
	if (granted.some((g) => g.qos === 128)) throw refused;
}

/** Connects Detect to the external broker and subscribes; resolves once the subscription is granted. */
export async function startExternalBroker(o: ExternalBrokerOptions): Promise<Broker> {
	const port = portOf(o.url);
	const audit = o.audit ?? new ReportAudit(o.log);
	const plugin = o.plugin ? new PluginMetrics(o.hooks, o.log, audit) : undefined;
	const intake = new Intake(o, audit, plugin);
	const { client, sessionPresent } = await connect(o, intake);
	client.on("error", (e) => o.log(`broker: external ${o.url}: ${e.message}`));
	client.on("reconnect", () => o.log(`broker: reconnecting to ${o.url}`));
	const filters = plugin ? [REPORT_FILTER, PLUGIN_METRICS_FILTER] : [REPORT_FILTER];
	if (sessionPresent) {
		// the session holds the subscription; held reports stall mqtt.js, so its SUBACK is not awaited here
		subscribe(client, filters).catch((e: Error) => o.log(`broker: external ${o.url}: ${e.message}`));
	} else {
		try {
			await subscribe(client, filters);
		} catch (e) {
			await client.endAsync(true);
			throw e;
		}
	}
	// the cloud attaches the returned broker right after this resolves; reports held until then run next
	setImmediate(() => intake.open());
	// settles broker-side counts (report-audit.ts) even when no new one arrives
	const audits = setInterval(() => audit.check(), 10_000);
	audits.unref();
	o.log(`broker: external ${o.url}: subscribed to ${REPORT_FILTER}; ${plugin ? "cloud-side metrics from the mosquitto plugin" : "cloud-side metrics are not available from this broker"}`);
	return {
		port,
		cloudSideMetrics: plugin !== undefined,
		publish: async (topic, payload, qos) => {
			await client.publishAsync(topic, payload, { qos });
		},
		connectedThings: () => plugin?.connectedThings() ?? [],
		reportAudit: () => audit,
		close: () => {
			clearInterval(audits);
			return client.endAsync();
		},
	};
}
