/*
 * cli-args — a small argv parser for the cloud CLI: positionals plus `--name value` / `--flag` options,
 * repeatable options collected in order. Bad usage is a UsageError (exit code 2).
 */

export class UsageError extends Error {
	readonly code = "BadInput";
}

export interface Args {
	positionals: string[];
	options: Map<string, string[]>;
}

const FLAGS = new Set(["history", "help", "no-stdout", "all", "plugin"]);

export function parseArgs(argv: string[]): Args {
	const positionals: string[] = [];
	const options = new Map<string, string[]>();
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith("--")) {
			positionals.push(a);
			continue;
		}
		const name = a.slice(2);
		if (FLAGS.has(name)) {
			options.set(name, ["true"]);
			continue;
		}
		const value = argv[++i];
		if (value === undefined) throw new UsageError(`option --${name} needs a value`);
		options.set(name, [...(options.get(name) ?? []), value]);
	}
	return { positionals, options };
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
