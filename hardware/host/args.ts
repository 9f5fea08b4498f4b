/*
 * args — the command line of `npm run device`: parsed and checked here (no I/O), so a bad argument
 * is a clear ArgsError before anything starts.
 */
import { HEALTH_GROUPS } from "../../modules/health/health";
import type { HealthGroup, HealthSettings } from "../../modules/health/health";
import type { ReportFormat } from "../../modules/report/report";

export const USAGE = `usage: npm run device -- --thing <name> --host <host> --port <port> --ca <ca.pem> --cert <cert.pem> --key <key.pem>
       [--format json|json-short|cbor] [--interval <seconds>] [--allow-short-interval]
       [--reply-timeout <seconds>] [--store <file.json>] [--rogue] [--rogue-topic <topic>]
       [--driver linux|socket] [--interface <name>]...   (linux: the kernel's counters, the default on Linux)
       [--health heap,uptime,reboots]  (health metric groups: ${HEALTH_GROUPS.join(", ")})`;

export interface DeviceArgs {
	thing: string;
	host: string;
	port: number;
	ca: string;
	cert: string;
	key: string;
	format: ReportFormat;
	interval?: number;
	allowShortInterval: boolean;
	replyTimeout?: number;
	store: string;
	rogue: boolean;
	rogueTopic?: string;
	/** undefined: the platform's default (linux on Linux, socket elsewhere). */
	driver?: DriverKind;
	/** --interface, repeatable (linux driver only); undefined: every interface but lo. */
	interfaces?: string[];
	/** Health metric groups switched on (docs/health.md), undefined for none. */
	health?: Partial<HealthSettings>;
}

export type DriverKind = "linux" | "socket";
const DRIVERS: DriverKind[] = ["linux", "socket"];

export class ArgsError extends Error {
	readonly code = "BadArguments";
	constructor(message: string) {
		super(`${message}\n${USAGE}`);
		this.name = "ArgsError";
	}
}

const FLAGS = new Set(["--rogue", "--allow-short-interval"]);
const REPEATABLE = new Set(["--interface"]);
const VALUES = new Set(["--interface", "--driver", "--thing", "--host", "--port", "--ca", "--cert", "--key", "--format", "--interval", "--reply-timeout", "--store", "--rogue-topic", "--health"]);
const FORMATS: ReportFormat[] = ["json", "json-short", "cbor"];

export function parseArgs(argv: string[]): DeviceArgs {
	const v = collect(argv);
	const need = (name: string): string => {
		const value = v.get(name);
		if (value === undefined) throw new ArgsError(`missing ${name}`);
		return value;
	};
	const format = (v.get("--format") ?? "json-short") as ReportFormat;
	if (!FORMATS.includes(format)) throw new ArgsError(`--format must be one of ${FORMATS.join(", ")}, got ${format}`);
	const thing = need("--thing");
	const driver = v.get("--driver") as DriverKind | undefined;
	if (driver !== undefined && !DRIVERS.includes(driver)) throw new ArgsError(`--driver must be one of ${DRIVERS.join(", ")}, got ${driver}`);
	const interfaces = v.get("--interface")?.split("\n");
	if (interfaces && driver === "socket") throw new ArgsError("--interface needs the linux driver (socket-level counting counts the device's own sockets)");
	return {
		thing,
		host: need("--host"),
		port: integer(need("--port"), "--port", 1, 65535),
		ca: need("--ca"),
		cert: need("--cert"),
		key: need("--key"),
		format,
		interval: optionalNumber(v.get("--interval"), "--interval"),
		allowShortInterval: v.has("--allow-short-interval"),
		replyTimeout: optionalNumber(v.get("--reply-timeout"), "--reply-timeout"),
		store: v.get("--store") ?? `.defender-${thing}.json`,
		rogue: v.has("--rogue"),
		rogueTopic: v.get("--rogue-topic"),
		driver,
		interfaces,
		health: healthGroups(v.get("--health")),
	};
}

function healthGroups(text: string | undefined): Partial<HealthSettings> | undefined {
	if (text === undefined) return undefined;
	const on: Partial<Record<HealthGroup, boolean>> = {};
	for (const name of text.split(",")) {
		const group = HEALTH_GROUPS.find((g) => g === name.trim());
		if (group === undefined) throw new ArgsError(`--health takes a comma-separated list of ${HEALTH_GROUPS.join(", ")}, got ${JSON.stringify(name)}`);
		on[group] = true;
	}
	return on;
}

function collect(argv: string[]): Map<string, string> {
	const v = new Map<string, string>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (v.has(arg) && !REPEATABLE.has(arg)) throw new ArgsError(`${arg} given twice`);
		if (FLAGS.has(arg)) v.set(arg, "");
		else if (VALUES.has(arg)) {
			const value = argv[++i];
			if (value === undefined || value.startsWith("--")) throw new ArgsError(`${arg} needs a value`);
			const before = v.get(arg);
			v.set(arg, before === undefined ? value : `${before}\n${value}`);
		} else throw new ArgsError(`unknown argument ${JSON.stringify(arg)}`);
	}
	return v;
}

function integer(text: string, name: string, min: number, max: number): number {
	const n = Number(text);
	if (!/^[0-9]+$/.test(text) || n < min || n > max) throw new ArgsError(`${name} must be an integer ${min}..${max}, got ${JSON.stringify(text)}`);
	return n;
}

function optionalNumber(text: string | undefined, name: string): number | undefined {
	if (text === undefined) return undefined;
	const n = Number(text);
	if (text.trim() === "" || !Number.isFinite(n) || n <= 0) throw new ArgsError(`${name} must be a positive number of seconds, got ${JSON.stringify(text)}`);
	return n;
}
