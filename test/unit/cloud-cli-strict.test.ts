/* Strict CLI parsing: unknown or mistyped options, missing values, values given to flags and extra arguments are one-line usage errors (exit 2) for every command. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { COMMANDS, parseArgs, UsageError } from "../../cloud/cli-args";

const refusal = (argv: string[]): string => {
	try {
		parseArgs(argv);
	} catch (e) {
		if (e instanceof UsageError) return e.message;
		throw e;
	}
	throw new Error(`accepted: ${argv.join(" ")}`);
};

describe("cloud CLI strict arguments", () => {
	it("refuses an unknown option for every command", () => {
		for (const cmd of Object.keys(COMMANDS)) expect(refusal([cmd, "--bogus"])).toBe(`${cmd}: unknown option --bogus (try: help)`);
		expect(refusal(["profile", "create", "--fiel", "p.json"])).toBe("profile: unknown option --fiel (try: help)");
		expect(refusal(["start", "-p", "1"])).toBe("start: unknown option -p (try: help)");
	});

	it("refuses a missing value, a value for a flag and an extra argument", () => {
		expect(refusal(["start", "--port"])).toBe("start: option --port needs a value");
		expect(refusal(["start", "--port", "--no-stdout"])).toBe("start: option --port needs a value");
		expect(refusal(["violations", "--history=yes"])).toBe("violations: option --history is a flag and takes no value");
		expect(refusal(["ca", "extra"])).toBe("ca: unexpected argument extra");
		expect(refusal(["cert", "dev-1", "dev-2"])).toBe("cert: unexpected argument dev-2");
		expect(refusal(["validate", "--file", "a.json", "b.json"])).toBe("validate: unexpected argument b.json");
		expect(refusal(["group", "add", "g", "t", "u"])).toBe("group: unexpected argument u");
		expect(refusal(["nope"])).toBe("unknown command nope (try: help)");
	});

	it("keeps repeatable options in order, flags and --name=value", () => {
		const a = parseArgs(["start", "--allow", "a/#", "--allow=b/#", "--san", "192.0.2.10", "--no-stdout", "--port=0"]);
		expect(a.positionals).toEqual(["start"]);
		expect(Object.fromEntries(a.options)).toEqual({ allow: ["a/#", "b/#"], san: ["192.0.2.10"], "no-stdout": ["true"], port: ["0"] });
		expect(parseArgs(["profile", "attach", "P", "--all"]).positionals).toEqual(["profile", "attach", "P"]);
		expect(parseArgs([]).positionals).toEqual(["help"]);
	});

	it("exits 2 with one line from the command line", () => {
		for (const [args, line] of [
			[["mosquitto-conf", "--port", "1883", "--out"], "error: mosquitto-conf: option --out needs a value\n"],
			[["start", "--host", "not-an-ip"], 'error: --host must be an IP address of this machine (0.0.0.0 = every interface), got "not-an-ip"\n'],
			[["start", "--san", "bad name"], 'error: --san: "bad name" is neither a DNS name nor an IP address\n'],
			[["group", "create", "g", "--endpoint", "ftp://x"], 'error: --endpoint must be http(s)://host:port, got "ftp://x"\n'],
		] as const) {
			const r = spawnSync(process.execPath, ["--import", "tsx", "cloud/cli.ts", ...args], { encoding: "utf8", timeout: 60_000 });
			expect({ code: r.status, err: r.stderr }).toEqual({ code: 2, err: line });
		}
	}, 300_000);
});
