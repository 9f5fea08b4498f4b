/*
 * external — Detect as an ordinary, privileged subscriber of an external broker (mosquitto, EMQX, …):
 * connects over mutual TLS with its own certificate (CN `defender-detect`), subscribes to every thing's
 * report topics `$aws/things/+/defender/metrics/+` at QoS 1 and publishes the replies. Per-thing
 * authorization is the broker's job (its ACL, see mosquitto-conf.ts); the thing name comes from the topic.
 * A plain broker tells a subscriber nothing about other clients, so the cloud-side metrics are unavailable.
 */
import mqtt, { type MqttClient } from "mqtt";
import { DETECT_CLIENT_CN } from "../pki";
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
	log: (s: string) => void;
	/** the broker runs the Defender plugin (plugin.ts): its counters give the cloud-side metrics */
	plugin?: boolean;
}

function portOf(url: string): number {
	const u = new URL(url);
	if (u.protocol !== "mqtts:") throw new Error(`external broker URL must be mqtts://host:port (mutual TLS), got ${url}`);
	return Number(u.port || 8883);
}

function connect(o: ExternalBrokerOptions): Promise<MqttClient> {
	const client = mqtt.connect(o.url, {
		clientId: o.clientId ?? DETECT_CLIENT_ID,
		ca: o.ca,
		cert: o.cert,
		key: o.key,
		rejectUnauthorized: true,
		protocolVersion: 4,
		clean: true,
		reconnectPeriod: 1000,
		connectTimeout: 10_000,
	});
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
		client.once("connect", () => {
			client.off("error", onError);
			client.off("close", onClose);
			resolve(client);
		});
	});
}

async function subscribe(client: MqttClient, filters: string[]): Promise<void> {
	const granted = await client.subscribeAsync(filters, { qos: 1 });
	if (granted.some((g) => g.qos === 128)) throw new Error(`the external broker refused the subscription ${filters.join(", ")} (check its ACL for ${DETECT_CLIENT_ID})`);
}

/** Connects Detect to the external broker and subscribes; resolves once the subscription is granted. */
export async function startExternalBroker(o: ExternalBrokerOptions): Promise<Broker> {
	const port = portOf(o.url);
	const client = await connect(o);
	const plugin = o.plugin ? new PluginMetrics(o.hooks, o.log) : undefined;
	client.on("message", (topic, payload) => (plugin && PluginMetrics.isPluginTopic(topic) ? plugin.handle(topic, payload) : o.hooks.report(topic, payload)));
	client.on("error", (e) => o.log(`broker: external ${o.url}: ${e.message}`));
	client.on("reconnect", () => o.log(`broker: reconnecting to ${o.url}`));
	try {
		await subscribe(client, plugin ? [REPORT_FILTER, PLUGIN_METRICS_FILTER] : [REPORT_FILTER]);
	} catch (e) {
		await client.endAsync(true);
		throw e;
	}
	o.log(`broker: external ${o.url}: subscribed to ${REPORT_FILTER}; ${plugin ? "cloud-side metrics from the mosquitto plugin" : "cloud-side metrics are not available from this broker"}`);
	return {
		port,
		cloudSideMetrics: plugin !== undefined,
		publish: async (topic, payload, qos) => {
			await client.publishAsync(topic, payload, { qos });
		},
		connectedThings: () => plugin?.connectedThings() ?? [],
		close: () => client.endAsync(),
	};
}
