/* The cloud CLI as a user runs it: commands, outputs and exit codes (2 for bad input). */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cloud-setup";

const dir = tempDir("cloud-cli-");
const base = ["--data", join(dir, "data"), "--pki", join(dir, "pki")];

function cli(...args: string[]): { code: number | null; out: string; err: string } {
	const r = spawnSync(process.execPath, ["--import", "tsx", "cloud/cli.ts", ...args], { encoding: "utf8", timeout: 30_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
	const p = join(dir, name);
	writeFileSync(p, text);
	return p;
}

describe("cloud cli", () => {
	it("prints help and refuses unknown commands with exit code 2", () => {
		expect(cli("help").out).toMatch(/usage: npm run cloud/);
		const r = cli("frobnicate");
		expect([r.code, r.err.trim()]).toEqual([2, "error: unknown command frobnicate (try: help)"]);
	});

	it("refuses missing files, malformed JSON and missing options with exit code 2", () => {
		expect(cli("validate", "--file", join(dir, "nope.json"))).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read .*nope.json: ENOENT/) });
		expect(cli("validate", "--file", file("bad.json", "{oops"))).toMatchObject({ code: 2, err: expect.stringMatching(/bad.json is not valid JSON/) });
		expect(cli("validate")).toMatchObject({ code: 2, err: "error: missing --file\n" });
		expect(cli("cert")).toMatchObject({ code: 2, err: "error: missing thing name\n" });
		expect(cli("start", "--port", "abc")).toMatchObject({ code: 2, err: expect.stringMatching(/--port must be a non-negative integer/) });
	});

	it("validates a profile: exit 0 when valid, 1 with validationErrors when not", () => {
		const good = cli("validate", "--file", file("good.json", JSON.stringify({ securityProfileName: "p", behaviors: [] })));
		expect([good.code, JSON.parse(good.out)]).toEqual([0, { valid: true, validationErrors: [] }]);
		const bad = cli("validate", "--file", file("inv.json", JSON.stringify({ securityProfileName: "p", behaviors: [{ name: "b", metric: "aws:nope" }] })));
		expect([bad.code, JSON.parse(bad.out).validationErrors]).toEqual([1, [{ errorMessage: "Behavior b: unknown metric aws:nope" }]]);
	});

	it("creates the CA and a thing certificate, groups and profiles, and lists violations", () => {
		expect(JSON.parse(cli("ca", ...base).out).certDer).toMatch(/ca\.cert\.der$/);
		const cert = JSON.parse(cli("cert", "dev-1", ...base).out);
		expect(existsSync(cert.keyDer) && existsSync(cert.certPem)).toBe(true);
		expect(cli("group", "create", "fleet", ...base).out.trim()).toBe("arn:aws:iot:local:000000000000:thinggroup/fleet");
		expect(cli("group", "add", "fleet", "dev-1", ...base).out.trim()).toBe("ok");
		const profile = file("p.json", JSON.stringify({ securityProfileName: "Ports", behaviors: [{ name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [443] } } }] }));
		expect(JSON.parse(cli("profile", "create", "--file", profile, ...base).out)).toEqual({ securityProfileName: "Ports" });
		expect(cli("profile", "create", "--file", profile, ...base)).toMatchObject({ code: 2, err: "error: ResourceAlreadyExists: security profile Ports already exists\n" });
		expect(cli("profile", "attach", "Ports", "--group", "fleet", ...base).out.trim()).toBe("ok");
		expect(cli("profile", "attach", "Ports", "--group", "missing", ...base)).toMatchObject({ code: 2, err: "error: ResourceNotFound: thing group missing does not exist\n" });
		expect(JSON.parse(cli("profile", "list", ...base).out)).toEqual([{ securityProfileName: "Ports", targets: ["arn:aws:iot:local:000000000000:thinggroup/fleet"] }]);
		expect(JSON.parse(cli("violations", ...base).out)).toEqual({ activeViolations: [] });
		expect(JSON.parse(cli("violations", "--history", ...base).out)).toEqual({ violationEvents: [] });
		const invalid = file("i.json", JSON.stringify({ securityProfileName: "X", behaviors: [{ name: "b" }] }));
		expect(cli("profile", "create", "--file", invalid, ...base)).toMatchObject({ code: 2, err: "error: InvalidRequest: Behavior b: metric is required\n  - Behavior b: metric is required\n" });
	});
});
