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
import type { Log } from "./modules/platform/platform";
import { composeStack } from "./modules/stack/stack";
import { ModdableClock } from "./hardware/moddable/clock";
import { loadCredentials, resolveHost, waitForClock } from "./hardware/moddable/setup";
import type { Credentials } from "./hardware/moddable/setup";
import { PreferenceStore } from "./hardware/moddable/store";
import { tlsTransport } from "./hardware/moddable/transport";
import { DeviceNetDriver } from "hardware/platform/netdriver";

const STORE_DOMAIN = "defender";

const log: Log = (message) => trace(`${message}\n`);

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function start(): void {
	let settings: FirmwareConfig;
	let credentials: Credentials;
	try {
		settings = parseConfig(config);
		credentials = loadCredentials(settings);
	} catch (error) {
		log(`main: stopped: ${describe(error)}`);
		return;
	}
	log(`main: thing ${settings.thingName}, ${settings.endpoint}:${settings.port}, every ${settings.intervalSeconds} s as ${settings.format}${settings.rogue ? ", rogue mode on" : ""}`);
	waitForClock(settings.sntp, log, () => {
		resolveHost(settings.endpoint, (address) => {
			if (address === undefined) log(`main: stopped: cannot resolve ${settings.endpoint}`);
			else run(settings, credentials, address);
		});
	});
}

function run(settings: FirmwareConfig, credentials: Credentials, address: string): void {
	const driver = new DeviceNetDriver();
	const stack = composeStack({
		thingName: settings.thingName,
		clock: new ModdableClock(),
		openTransport: tlsTransport({ address, port: settings.port, host: settings.endpoint, alpn: settings.alpn, ...credentials }, driver),
		driver,
		store: new PreferenceStore(STORE_DOMAIN),
		log,
		format: settings.format,
		intervalSeconds: settings.intervalSeconds,
		allowShortInterval: settings.allowShortInterval,
	});
	const agent = stack.agent;
	agent.onOutcome = (state, reportId) => {
		const s = agent.status;
		log(`defender: report ${reportId} ${state} (sent ${s.sent}, accepted ${s.accepted}, rejected ${s.rejected}, timed out ${s.timedOut}${s.subscribeRefused ? `, subscriptions refused ${s.subscribeRefused}` : ""})`);
	};
	stack.start(settings.rogue);
}

start();
