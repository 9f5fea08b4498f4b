/*
 * main — the firmware's composition root on Moddable (ESP32 and the desktop simulator).
 *
 * config (mc/config → modules/config) and the certificate files checked → wall clock plausible
 * (SNTP on the device) → endpoint resolved → the one composition (modules/stack, the device's
 * limits): mutual-TLS MQTT over a counting TCP socket → sampler + Device Defender agent (+ rogue
 * mode when configured). The network driver is "hardware/platform/netdriver", mapped per
 * platform in manifest.json: the simulator's socket-level driver (fed by the counting socket) or
 * the ESP32's lwIP driver.
 * Everything is traced; a bad setting stops the firmware with one message.
 */
import config from "mc/config";
import { parseConfig } from "./modules/config/config";
import type { FirmwareConfig } from "./modules/config/config";
import { parseHealth } from "./modules/config/health";
import { registerHealth } from "./modules/health/health";
import type { HealthSettings } from "./modules/health/health";
import type { Log } from "./modules/platform/platform";
import { composeStack } from "./modules/stack/stack";
import { ModdableClock } from "./hardware/moddable/clock";
import { loadCredentials, resolveHost, waitForClock } from "./hardware/moddable/setup";
import type { Credentials } from "./hardware/moddable/setup";
import { PreferenceStore } from "./hardware/moddable/store";
import { tlsTransport } from "./hardware/moddable/transport";
import { DeviceNetDriver } from "hardware/platform/netdriver";
import { platformHealth } from "hardware/platform/health";

const STORE_DOMAIN = "defender";

const log: Log = (message) => trace(`${message}\n`);

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function start(): void {
	let settings: FirmwareConfig;
	let credentials: Credentials;
	let health: HealthSettings;
	try {
		settings = parseConfig(config);
		health = parseHealth(config);
		credentials = loadCredentials(settings);
	} catch (error) {
		log(`main: stopped: ${describe(error)}`);
		return;
	}
	log(`main: thing ${settings.thingName}, ${settings.endpoint}:${settings.port}, every ${settings.intervalSeconds} s as ${settings.format}${settings.rogue ? ", rogue mode on" : ""}`);
	waitForClock(settings.sntp, log, () => {
		resolveHost(settings.endpoint, (address) => {
			if (address === undefined) log(`main: stopped: cannot resolve ${settings.endpoint}`);
			else run(settings, health, credentials, address);
		});
	});
}

function run(settings: FirmwareConfig, health: HealthSettings, credentials: Credentials, address: string): void {
	const driver = new DeviceNetDriver();
	const store = new PreferenceStore(STORE_DOMAIN);
	const stack = composeStack({
		thingName: settings.thingName,
		clock: new ModdableClock(),
		openTransport: tlsTransport({ address, port: settings.port, host: settings.endpoint, alpn: settings.alpn, ...credentials }, driver),
		driver,
		store,
		log,
		format: settings.format,
		intervalSeconds: settings.intervalSeconds,
		allowShortInterval: settings.allowShortInterval,
	});
	const agent = stack.agent;
	const { registered, missing } = registerHealth(agent, health, platformHealth(store, log, health.reboots));
	if (registered.length) log(`health: ${registered.join(", ")}`);
	if (missing.length) log(`health: this platform cannot measure ${missing.join(", ")}; not reported`);
	agent.onOutcome = (state, reportId) => {
		const s = agent.status;
		log(`defender: report ${reportId} ${state} (sent ${s.sent}, accepted ${s.accepted}, rejected ${s.rejected}, timed out ${s.timedOut}${s.subscribeRefused ? `, subscriptions refused ${s.subscribeRefused}` : ""})`);
	};
	stack.start(settings.rogue);
}

start();
