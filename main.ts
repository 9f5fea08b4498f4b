/*
 * main — the firmware's composition root on Moddable (ESP32 and the desktop simulator).
 *
 * config (mc/config → modules/config) → wall clock plausible (SNTP on the device) → endpoint
 * resolved → mutual-TLS MQTT over a counting TCP socket → sampler + Device Defender agent
 * (+ rogue mode when configured). The network driver is "hardware/platform/netdriver", mapped per
 * platform in manifest.json: the simulator's socket-level driver (fed by the counting socket) or
 * the ESP32's lwIP driver.
 * Everything is traced; a bad setting stops the firmware with one message.
 */
import config from "mc/config";
import { parseConfig } from "./modules/config/config";
import type { FirmwareConfig } from "./modules/config/config";
import { DefenderAgent, portOf } from "./modules/defender/defender";
import { MqttClient } from "./modules/mqtt/client";
import type { Log } from "./modules/platform/platform";
import { Rogue } from "./modules/rogue/rogue";
import { Sampler } from "./modules/sampler/sampler";
import { ModdableClock } from "./hardware/moddable/clock";
import { loadCredentials, resolveHost, waitForClock } from "./hardware/moddable/setup";
import { PreferenceStore } from "./hardware/moddable/store";
import { tlsTransport } from "./hardware/moddable/transport";
import { DeviceNetDriver } from "hardware/platform/netdriver";

/** Largest MQTT payload sent or received: a capped report, a Defender reply, a rogue message. */
const MAX_PAYLOAD = 4096;
const KEEPALIVE_SECONDS = 60;
const STORE_DOMAIN = "defender";

const log: Log = (message) => trace(`${message}\n`);

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function start(): void {
	let settings: FirmwareConfig;
	try {
		settings = parseConfig(config);
	} catch (error) {
		log(`main: stopped: ${describe(error)}`);
		return;
	}
	log(`main: thing ${settings.thingName}, ${settings.endpoint}:${settings.port}, every ${settings.intervalSeconds} s as ${settings.format}${settings.rogue ? ", rogue mode on" : ""}`);
	waitForClock(settings.sntp, log, () => {
		resolveHost(settings.endpoint, (address) => {
			if (address === undefined) log(`main: stopped: cannot resolve ${settings.endpoint}`);
			else run(settings, address);
		});
	});
}

function run(settings: FirmwareConfig, address: string): void {
	const clock = new ModdableClock();
	const driver = new DeviceNetDriver();
	const sampler = new Sampler({ driver });
	const credentials = loadCredentials(settings);
	const client = new MqttClient({
		clientId: settings.thingName,
		keepAliveSeconds: KEEPALIVE_SECONDS,
		clock,
		openTransport: tlsTransport({ address, port: settings.port, host: settings.endpoint, alpn: settings.alpn, ...credentials }, driver),
		maxPayload: MAX_PAYLOAD,
		maxInflight: 2,
		reconnect: { minMs: 1000, maxMs: 60_000 },
		log,
	});
	const port = portOf(client);
	const interval = settings.intervalSeconds;
	const agent = new DefenderAgent({ mqtt: port, sampler, driver, clock, store: new PreferenceStore(STORE_DOMAIN), log }, {
		thingName: settings.thingName,
		format: settings.format,
		intervalSeconds: interval,
		allowShortInterval: settings.allowShortInterval,
		replyTimeoutSeconds: Math.min(30, interval / 2),
		pollSeconds: Math.min(10, interval),
	});
	const rogue = settings.rogue ? new Rogue({ port, clock, random: Math.random, log }) : undefined;
	client.onMessage = (topic, payload) => {
		agent.onMessage(topic, payload);
		rogue?.onMessage(topic, payload);
	};
	client.onState = (state, reason) => {
		log(`mqtt: ${state}${reason ? ` (${reason})` : ""}`);
		if (state !== "connected") return;
		agent.onConnected();
		rogue?.onConnected();
	};
	agent.onOutcome = (state, reportId) => {
		const s = agent.status;
		log(`defender: report ${reportId} ${state} (sent ${s.sent}, accepted ${s.accepted}, rejected ${s.rejected}, timed out ${s.timedOut})`);
	};
	agent.start();
	rogue?.start();
	client.start();
}

start();
