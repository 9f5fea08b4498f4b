/*
 * cli-args — strict argv parsing for the cloud CLI with node:util parseArgs: each command has its own option
 * table and a maximum number of positionals; an unknown option, a missing value, a value given to a flag or an
 * extra argument is a UsageError (exit code 2). Repeatable options are collected in order.
 */
import { parseArgs as parseNodeArgs } from "node:util";

export class UsageError extends Error {
	readonly code = "BadInput";
}

export interface Args {
	/** the command first, then its arguments */
	positionals: string[];
	options: Map<string, string[]>;
}

type Kind = "string" | "flag" | "list";
interface Command {
	options: Record<string, Kind>;
	/** positionals after the command word */
	maxArgs: number;
}

/** the two dirs of a cloud, accepted by every command that works on its files (scripts pass both to all) */
const DATA = { data: "string", pki: "string" } as const;
const PKI = DATA;
const CLIENT = { ...DATA, endpoint: "string" } as const;

export const COMMANDS: Record<string, Command> = {
	start: {
		maxArgs: 0,
		options: {
			...DATA, ...PKI, port: "string", host: "string", san: "list", allow: "list", "min-interval": "string", "invalidate-after": "string",
			jsonl: "string", webhook: "string", "no-stdout": "flag", json: "flag", "status-interval": "string", broker: "string", plugin: "flag", database: "string", node: "string",
			"api-port": "string", "api-scheme": "string", smtp: "string", "smtp-ca": "string", "mail-from": "string", "auto-mitigate": "list",
			"ml-training-days": "string", "ml-min-datapoints": "string",
		},
	},
	"api-key": { maxArgs: 0, options: { ...DATA } },
	"mosquitto-conf": {
		maxArgs: 0,
		options: { ...PKI, port: "string", out: "string", allow: "list", user: "string", thing: "list", dynsec: "string", plugin: "flag", revoked: "string", san: "list", "detect-node": "list" },
	},
	revoke: { maxArgs: 1, options: { serial: "string", file: "string" } },
	ca: { maxArgs: 0, options: { ...PKI } },
	cert: { maxArgs: 1, options: { ...PKI } },
	"moddable-files": { maxArgs: 0, options: { ...PKI, cert: "string", key: "string", ca: "string", out: "string" } },
	group: { maxArgs: 3, options: { ...CLIENT } },
	profile: { maxArgs: 2, options: { ...CLIENT, file: "string", group: "string", all: "flag", target: "string" } },
	validate: { maxArgs: 0, options: { file: "string" } },
	violations: { maxArgs: 0, options: { ...CLIENT, history: "flag", thing: "string" } },
	dimension: { maxArgs: 2, options: { ...CLIENT, value: "list" } },
	"custom-metric": { maxArgs: 2, options: { ...CLIENT, type: "string", "display-name": "string" } },
	verify: { maxArgs: 1, options: { ...CLIENT, state: "string", description: "string" } },
	mitigation: { maxArgs: 2, options: { ...CLIENT, group: "list", role: "string", action: "list", profile: "string", behavior: "string", violation: "list" } },
	policy: { maxArgs: 2, options: { ...CLIENT, file: "string", group: "string" } },
	metrics: { maxArgs: 2, options: { ...CLIENT, minutes: "string" } },
	"ml-models": { maxArgs: 0, options: { ...CLIENT, profile: "string" } },
	help: { maxArgs: 0, options: {} },
};

/** node:util's messages, shortened to one line that names the option. */
function usageMessage(cmd: string, e: Error): string {
	const m = e.message.split("\n")[0];
	const unknown = /^Unknown option '([^']+)'/.exec(m);
	if (unknown) return `${cmd}: unknown option ${unknown[1]} (try: help)`;
	const missing = /^Option '(?:-\w, )?(--[^ ']+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(m);
	if (missing) return `${cmd}: option ${missing[1]} needs a value`;
	const flag = /^Option '(--[^=']+)[^']*' does not take an argument/.exec(m);
	if (flag) return `${cmd}: option ${flag[1]} is a flag and takes no value`;
	const extra = /^Unexpected argument '([^']*)'/.exec(m);
	if (extra) return `${cmd}: unexpected argument ${extra[1]}`;
	return `${cmd}: ${m}`;
}

export function parseArgs(argv: string[]): Args {
	const first = argv[0];
	const cmd = first === undefined || first === "--help" ? "help" : first;
	const spec = COMMANDS[cmd];
	if (spec === undefined) throw new UsageError(`unknown command ${cmd} (try: help)`);
	const table: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
	for (const [name, kind] of Object.entries(spec.options)) table[name] = kind === "flag" ? { type: "boolean" } : { type: "string", multiple: kind === "list" };
	let parsed: ReturnType<typeof parseNodeArgs>;
	try {
		parsed = parseNodeArgs({ args: argv.slice(1), options: table, strict: true, allowPositionals: true });
	} catch (e) {
		throw new UsageError(usageMessage(cmd, e as Error));
	}
	if (parsed.positionals.length > spec.maxArgs) throw new UsageError(`${cmd}: unexpected argument ${parsed.positionals[spec.maxArgs]}`);
	const options = new Map<string, string[]>();
	for (const [name, value] of Object.entries(parsed.values)) {
		if (value === undefined || value === false) continue;
		const values = Array.isArray(value) ? value : [value === true ? "true" : value];
		options.set(name, values.map(String));
	}
	return { positionals: [cmd, ...parsed.positionals], options };
}

export function option(args: Args, name: string, fallback?: string): string | undefined {
	return args.options.get(name)?.at(-1) ?? fallback;
}

export function required(args: Args, name: string): string {
	const v = option(args, name);
	if (v === undefined) throw new UsageError(`missing --${name}`);
	return v;
}

export function intOption(args: Args, name: string, fallback: number): number {
	const v = option(args, name);
	if (v === undefined) return fallback;
	if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer, got "${v}"`);
	return Number(v);
}
