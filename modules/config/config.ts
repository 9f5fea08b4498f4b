/*
 * config — turns the raw Moddable `mc/config` object into the firmware's typed settings.
 *
 * Values from the manifest keep their JSON type, values given on the mcconfig command line
 * (`mcconfig … interval=60 rogue=on`) arrive as strings: every reader accepts both. A missing or
 * malformed setting throws one ConfigError naming the key, what was found and what is expected.
 * The report format's key is `reportFormat`: mcconfig reserves `format` (the screen pixel format).
 */
import { THING_NAME_RULE, thingNameProblem } from "../facts/facts";
import type { ReportFormat } from "../report/topics";

export type ConfigErrorCode = "MissingSetting" | "BadSetting";

export class ConfigError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "ConfigError";
	readonly code: ConfigErrorCode;
	readonly key: string;
	constructor(code: ConfigErrorCode, key: string, message: string) {
		super(`${code}: config "${key}" ${message}`);
		this.code = code;
		this.key = key;
	}
}

export interface FirmwareConfig {
	/** AWS IoT thing name, also the MQTT client id. */
	thingName: string;
	/** Broker host name or IPv4 address. */
	endpoint: string;
	port: number;
	/** ALPN protocol ("x-amzn-mqtt-ca" on port 443), undefined for none. */
	alpn: string | undefined;
	/** Seconds between reports. */
	intervalSeconds: number;
	/** Intervals below AWS's 300 s minimum are allowed (local testing only). */
	allowShortInterval: boolean;
	/** Default "json-short" (short keys, as AWS's embedded library). */
	format: ReportFormat;
	/** Rogue mode (the seed's compromised device). */
	rogue: boolean;
	/** Resource names of the device certificate (DER), its RSA key (PKCS#8 DER) and the CA (DER). */
	certificate: string;
	privateKey: string;
	ca: string;
	/** SNTP server used when the clock is not set, undefined for none. */
	sntp: string | undefined;
}

/** AWS's minimum report period. */
export const MIN_INTERVAL_SECONDS = 300;
const FORMATS: readonly string[] = Object.freeze(["json", "json-short", "cbor"]);
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

type Raw = Readonly<Record<string, unknown>>;

export function parseConfig(raw: Raw): FirmwareConfig {
	const thingName = readThingName(raw);
	const endpoint = readHost(raw, "endpoint");
	const allowShortInterval = readFlag(raw, "allowShortInterval", false);
	const intervalSeconds = readInterval(raw, allowShortInterval);
	return {
		thingName,
		endpoint,
		port: readPort(raw),
		alpn: readOptionalText(raw, "alpn"),
		intervalSeconds,
		allowShortInterval,
		format: readFormat(raw),
		rogue: readFlag(raw, "rogue", false),
		certificate: readText(raw, "certificate"),
		privateKey: readText(raw, "privateKey"),
		ca: readText(raw, "ca"),
		sntp: readOptionalHost(raw, "sntp"),
	};
}

function present(raw: Raw, key: string): unknown {
	const value = raw[key];
	if (value === undefined || value === null || value === "") throw new ConfigError("MissingSetting", key, `is missing (set it in manifest.json "config" or as mcconfig ${key}=…)`);
	return value;
}

function bad(key: string, value: unknown, expected: string): ConfigError {
	return new ConfigError("BadSetting", key, `is ${JSON.stringify(value)}: expected ${expected}`);
}

function readText(raw: Raw, key: string): string {
	const value = present(raw, key);
	if (typeof value !== "string") throw bad(key, value, "a string");
	return value;
}

function readOptionalText(raw: Raw, key: string): string | undefined {
	const value = raw[key];
	if (value === undefined || value === null || value === "") return undefined;
	if (typeof value !== "string") throw bad(key, value, "a string");
	return value;
}

function readNumber(raw: Raw, key: string, fallback: number): number {
	const value = raw[key];
	if (value === undefined || value === null || value === "") return fallback;
	const n = typeof value === "string" && /^\s*[0-9.eE+-]+\s*$/.test(value) ? Number(value) : value;
	if (typeof n !== "number" || !Number.isFinite(n)) throw bad(key, value, "a number");
	return n;
}

function readFlag(raw: Raw, key: string, fallback: boolean): boolean {
	const value = raw[key];
	if (value === undefined || value === null || value === "") return fallback;
	if (value === true || value === 1 || value === "on" || value === "true" || value === "1") return true;
	if (value === false || value === 0 || value === "off" || value === "false" || value === "0") return false;
	throw bad(key, value, "on/off, true/false or 1/0");
}

function readThingName(raw: Raw): string {
	const name = readText(raw, "thingName");
	if (thingNameProblem(name) !== undefined) throw bad("thingName", name, THING_NAME_RULE);
	return name;
}

function checkHost(key: string, host: string): string {
	if (host.length > 253 || !HOST.test(host)) throw bad(key, host, "a host name or IPv4 address");
	return host;
}

function readHost(raw: Raw, key: string): string {
	return checkHost(key, readText(raw, key));
}

function readOptionalHost(raw: Raw, key: string): string | undefined {
	const host = readOptionalText(raw, key);
	return host === undefined ? undefined : checkHost(key, host);
}

function readPort(raw: Raw): number {
	const port = readNumber(raw, "port", 8883);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad("port", raw.port, "an integer port 1..65535");
	return port;
}

function readInterval(raw: Raw, allowShort: boolean): number {
	const seconds = readNumber(raw, "interval", MIN_INTERVAL_SECONDS);
	if (!(seconds >= 1)) throw bad("interval", raw.interval, "a number of seconds, at least 1");
	if (seconds < MIN_INTERVAL_SECONDS && !allowShort) throw bad("interval", raw.interval, `at least ${MIN_INTERVAL_SECONDS} s (AWS throttles faster reports); set allowShortInterval=on only for local testing`);
	return seconds;
}

function readFormat(raw: Raw): ReportFormat {
	const value = raw.reportFormat ?? "json-short";
	if (typeof value !== "string" || !FORMATS.includes(value)) throw bad("reportFormat", value, "json, json-short or cbor");
	return value as ReportFormat;
}

/** The three certificate settings, in the order they are checked. */
export const CREDENTIAL_KEYS = Object.freeze(["certificate", "privateKey", "ca"] as const);
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

/**
 * The ConfigError of a certificate setting naming a file the firmware was not built with: the build
 * copies the files of the CERTS folder (default ./certs) into its resources through the `data`
 * section of manifest.json.
 */
export function missingCredential(key: CredentialKey, name: string): ConfigError {
	return new ConfigError("BadSetting", key, `names ${JSON.stringify(name)}, which is not among the firmware's resources: put ${name} in the CERTS folder (default ./certs, or mcconfig … CERTS=<dir>), whose files the "data" section of manifest.json builds in, and build again`);
}

/** Throws missingCredential for the first certificate setting whose file `exists` does not find. */
export function checkCredentials(settings: Readonly<Record<CredentialKey, string>>, exists: (name: string) => boolean): void {
	for (const key of CREDENTIAL_KEYS) {
		if (!exists(settings[key])) throw missingCredential(key, settings[key]);
	}
}
