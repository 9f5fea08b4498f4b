/*
 * setup — the steps before the firmware may open a TLS connection, on Moddable:
 *   waitForClock   TLS checks certificate dates, so the wall clock must be plausible first. If it
 *                  is not (an ESP32 after power-on counts from 1970), ask SNTP and Time.set() it;
 *                  retry until it is. In the Linux simulator Date.now() is the host clock.
 *   resolveHost    embedded:io/socket/tcp takes an IPv4 address only: resolve a host name.
 *   loadCredentials the CA, device certificate and key from flash resources, by name (a missing
 *                  one is a bad setting, see modules/config checkCredentials).
 */
import Net from "net";
import Resource from "Resource";
import SNTP from "sntp";
import Time from "time";
import Timer from "timer";
import { checkCredentials } from "../../modules/config/config";
import type { Log } from "../../modules/platform/platform";

/** 2026-01-01T00:00:00Z: any earlier wall clock is unset. */
export const PLAUSIBLE_AFTER = 1_767_225_600_000;
const RETRY_MS = 10_000;
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/;

export function clockPlausible(): boolean {
	return Date.now() > PLAUSIBLE_AFTER;
}

/** Calls `ready` once Date.now() is plausible, asking `sntpHost` (if any) to set the clock. */
export function waitForClock(sntpHost: string | undefined, log: Log, ready: () => void): void {
	if (clockPlausible()) return ready();
	if (!sntpHost) {
		log(`setup: clock unset (${new Date().toISOString()}) and no sntp host configured; checking again in ${RETRY_MS / 1000} s`);
		Timer.set(() => waitForClock(sntpHost, log, ready), RETRY_MS);
		return;
	}
	log(`setup: clock unset; asking ${sntpHost}`);
	new SNTP({ host: sntpHost }, (message, value) => {
		if (message === SNTP.time && typeof value === "number") {
			Time.set(value);
			log(`setup: clock set to ${new Date().toISOString()}`);
		} else if (message !== SNTP.error) return;
		Timer.set(() => waitForClock(sntpHost, log, ready), clockPlausible() ? 0 : RETRY_MS);
	});
}

/** Calls `done(address)` with the IPv4 address of `host` (itself if it is one), or `done(undefined)`. */
export function resolveHost(host: string, done: (address: string | undefined) => void): void {
	if (IPV4.test(host)) {
		Timer.set(() => done(host), 0);
		return;
	}
	Net.resolve(host, (_name, address) => done(address));
}

export interface Credentials {
	ca: ArrayBuffer;
	certificate: ArrayBuffer;
	key: ArrayBuffer;
}

/**
 * The CA, device certificate and key from the firmware's resources. A missing file throws the
 * ConfigError of a bad setting (modules/config checkCredentials) naming the CERTS folder and the
 * manifest's `data` section; main.ts prints it as its one stop message.
 */
export function loadCredentials(names: { ca: string; certificate: string; privateKey: string }): Credentials {
	checkCredentials(names, (name) => Resource.exists(name));
	return { ca: new Resource(names.ca), certificate: new Resource(names.certificate), key: new Resource(names.privateKey) };
}
