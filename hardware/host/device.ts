/*
 * device — the host composition root, the Node twin of main.ts: the counting TLS transport, the host
 * driver, a file Store and a Clock (real by default, virtual in tests) handed to the one composition
 * (modules/stack), which builds the MQTT client, sampler, agent and rogue mode under the device's
 * limits.
 *
 *   const device = await startDevice({ thingName: "MyDevice", host: "127.0.0.1", port: 8883,
 *     ca, cert, key, storePath: "device.json", format: "cbor", rogue: true });
 *   device.status.accepted; device.setRogue(false); await device.stop();
 */
import type { Clock } from "../../modules/platform/platform";
import type { DefenderAgent } from "../../modules/defender/defender";
import type { MqttClient } from "../../modules/mqtt/client";
import type { NetDriver } from "../../modules/netdriver/netdriver";
import type { ReportFormat } from "../../modules/report/report";
import type { Sampler } from "../../modules/sampler/sampler";
import { registerHealth } from "../../modules/health/health";
import type { HealthRegistration, HealthSettings } from "../../modules/health/health";
import { composeStack } from "../../modules/stack/stack";
import type { StackLimits, StackStatus } from "../../modules/stack/stack";
import { realClock } from "./clock";
import { checkCredentials } from "./credentials";
import { hostHealth } from "./health";
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
	/** Default min(30, interval / 2). */
	replyTimeoutSeconds?: number;
	/** Default min(10, interval). */
	pollSeconds?: number;
	/** true, or the rogue topic/period; off by default (setRogue turns it on later). */
	rogue?: boolean | { topic?: string; periodMs?: number };
	/** Default the real clock. */
	clock?: Clock;
	/** JSON file holding the last report id. */
	storePath: string;
	log?: (s: string) => void;
	/** MQTT keep-alive, default the device's (60 s). */
	keepAliveSeconds?: number;
	/** Random source for rogue messages and reconnect jitter, default Math.random. */
	random?: () => number;
	/**
	 * The device's limits (modules/stack DEVICE_LIMITS: 4 KB payloads, 2 in flight) apply unless
	 * raised here on purpose; everything else runs under exactly what the ESP32 runs under.
	 */
	limits?: Partial<StackLimits>;
	/**
	 * The driver the sampler and the report read (e.g. hardware/host/linux: the kernel's counters and
	 * socket tables). Default: the socket-level driver, which counts the device's own traffic.
	 */
	netDriver?: NetDriver;
	/** Built-in health metric groups to report (modules/health; the host has heap, uptime, reboots). */
	health?: Partial<HealthSettings>;
}

export type DeviceStatus = StackStatus;

export interface Device {
	readonly status: DeviceStatus;
	setRogue(on: boolean): void;
	/** The socket-level counting driver (fed by the transport whichever driver reports). */
	readonly driver: HostNetDriver;
	/** The driver the reports are read from: options.netDriver, else `driver`. */
	readonly netDriver: NetDriver;
	/** For custom metrics (device.agent.addNumber(...)) and reportNow(). */
	readonly agent: DefenderAgent;
	readonly sampler: Sampler;
	readonly client: MqttClient;
	/** The health metrics registered, and those switched on that the host cannot measure. */
	readonly health: HealthRegistration;
	stop(): Promise<void>;
}

/** Throws CredentialsError (hardware/host/credentials.ts) at once for unusable TLS files. */
export async function startDevice(options: DeviceOptions): Promise<Device> {
	checkCredentials(options);
	const driver = new HostNetDriver();
	const netDriver = options.netDriver ?? driver;
	const rogue = typeof options.rogue === "object" ? options.rogue : {};
	const keepAlive = options.keepAliveSeconds === undefined ? {} : { keepAliveSeconds: options.keepAliveSeconds };
	const store = new FileStore(options.storePath);
	const log = options.log ?? (() => {});
	const stack = composeStack({
		thingName: options.thingName,
		clock: options.clock ?? realClock(),
		openTransport: hostTransport({ host: options.host, port: options.port, ca: options.ca, cert: options.cert, key: options.key, driver }),
		driver: netDriver,
		store,
		log,
		random: options.random,
		format: options.format,
		intervalSeconds: options.intervalSeconds,
		allowShortInterval: options.allowShortInterval,
		replyTimeoutSeconds: options.replyTimeoutSeconds,
		pollSeconds: options.pollSeconds,
		rogueTopic: rogue.topic,
		roguePeriodMs: rogue.periodMs,
		limits: { ...keepAlive, ...options.limits },
	});
	const h = options.health ?? {};
	const settings: HealthSettings = { heap: h.heap ?? false, xsHeap: h.xsHeap ?? false, rssi: h.rssi ?? false, uptime: h.uptime ?? false, reboots: h.reboots ?? false };
	const health = registerHealth(stack.agent, settings, hostHealth(store, log, settings.reboots));
	stack.start(options.rogue !== undefined && options.rogue !== false);
	return {
		get status(): DeviceStatus {
			return stack.status;
		},
		setRogue: (on) => stack.setRogue(on),
		driver,
		netDriver,
		agent: stack.agent,
		sampler: stack.sampler,
		client: stack.client,
		health,
		async stop() {
			stack.stop();
		},
	};
}
