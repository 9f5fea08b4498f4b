/*
 * device — the host composition root, the Node twin of main.ts: B's counting TLS transport and
 * host driver, the MQTT client, the sampler, the Device Defender agent and rogue mode, wired on one
 * Clock (real by default, virtual in tests) and a file Store.
 *
 *   const device = await startDevice({ thingName: "MyDevice", host: "127.0.0.1", port: 8883,
 *     ca, cert, key, storePath: "device.json", format: "cbor", rogue: true });
 *   device.status.accepted; device.setRogue(false); await device.stop();
 */
import type { Clock } from "../../modules/platform/platform";
import { DefenderAgent, portOf } from "../../modules/defender/defender";
import type { AgentStatus } from "../../modules/defender/defender";
import { MqttClient } from "../../modules/mqtt/client";
import type { MqttState, MqttStats } from "../../modules/mqtt/client";
import type { ReportFormat } from "../../modules/report/report";
import { Rogue } from "../../modules/rogue/rogue";
import type { RogueStatus } from "../../modules/rogue/rogue";
import { Sampler } from "../../modules/sampler/sampler";
import { realClock } from "./clock";
import { HostNetDriver } from "./netdriver";
import { FileStore } from "./store";
import { hostTransport } from "./transport";

export interface DeviceOptions {
	thingName: string;
	host: string;
	port: number;
	/** PEM text. */
	ca: string | Buffer;
	cert: string | Buffer;
	key: string | Buffer;
	/** Default "json-short" (short keys, as AWS's embedded library). */
	format?: ReportFormat;
	/** Default 300; below 300 only with allowShortInterval. */
	intervalSeconds?: number;
	allowShortInterval?: boolean;
	/** Default 30. */
	replyTimeoutSeconds?: number;
	/** Default 10. */
	pollSeconds?: number;
	/** true, or the rogue topic/period; off by default (setRogue turns it on later). */
	rogue?: boolean | { topic?: string; periodMs?: number };
	/** Default the real clock. */
	clock?: Clock;
	/** JSON file holding the last report id. */
	storePath: string;
	log?: (s: string) => void;
	/** MQTT keep-alive, default 60 s. */
	keepAliveSeconds?: number;
	/** Random source for rogue messages and reconnect jitter, default Math.random. */
	random?: () => number;
}

export interface DeviceStatus extends AgentStatus {
	mqttState: MqttState;
	/** Why the client last left "connected"/"connecting" ("" before that happened). */
	mqttReason: string;
	mqtt: Readonly<MqttStats>;
	rogue: Readonly<RogueStatus>;
}

export interface Device {
	readonly status: DeviceStatus;
	setRogue(on: boolean): void;
	readonly driver: HostNetDriver;
	/** For custom metrics (device.agent.addNumber(...)) and reportNow(). */
	readonly agent: DefenderAgent;
	readonly sampler: Sampler;
	readonly client: MqttClient;
	stop(): Promise<void>;
}

/** The largest payload sent or received (AWS IoT's publish limit). */
const MAX_PAYLOAD = 128 * 1024;

export async function startDevice(options: DeviceOptions): Promise<Device> {
	const clock = options.clock ?? realClock();
	const log = options.log ?? (() => {});
	const random = options.random ?? Math.random;
	const store = new FileStore(options.storePath);
	const driver = new HostNetDriver();
	const sampler = new Sampler({ driver });
	const client = new MqttClient({
		clientId: options.thingName,
		keepAliveSeconds: options.keepAliveSeconds ?? 60,
		clock,
		openTransport: hostTransport({ host: options.host, port: options.port, ca: options.ca, cert: options.cert, key: options.key, driver }),
		maxPayload: MAX_PAYLOAD,
		maxInflight: 4,
		reconnect: { minMs: 1000, maxMs: 60_000 },
		random,
		log,
	});
	const port = portOf(client);
	const agent = new DefenderAgent({ mqtt: port, sampler, driver, clock, store, log }, {
		thingName: options.thingName,
		format: options.format,
		intervalSeconds: options.intervalSeconds,
		allowShortInterval: options.allowShortInterval,
		replyTimeoutSeconds: options.replyTimeoutSeconds,
		pollSeconds: options.pollSeconds,
	});
	const rogueOptions = typeof options.rogue === "object" ? options.rogue : {};
	const rogue = new Rogue({ port, clock, random, log, ...rogueOptions });
	client.onMessage = (topic, payload) => {
		agent.onMessage(topic, payload);
		rogue.onMessage(topic, payload);
	};
	client.onState = (state, reason) => {
		log(`mqtt: ${state}${reason ? ` (${reason})` : ""}`);
		if (state !== "connected") return;
		agent.onConnected();
		rogue.onConnected();
	};
	agent.start();
	if (options.rogue) rogue.start();
	client.start();
	return {
		get status(): DeviceStatus {
			return { ...agent.status, mqttState: client.state, mqttReason: client.reason, mqtt: client.stats, rogue: rogue.status };
		},
		setRogue: (on) => (on ? rogue.start() : rogue.stop()),
		driver,
		agent,
		sampler,
		client,
		async stop() {
			rogue.stop();
			agent.stop();
			client.stop();
		},
	};
}
