/*
 * netmon host test — builds hardware/esp32/netmon*.c and the C harness in test/native against
 * Debian's liblwip-dev, runs it (real TCP/UDP/IPv6 traffic between two in-memory netifs, counters
 * checked against an independent tap) and runs it again under valgrind memcheck.
 * Needs: apt-get install -y liblwip-dev pkg-config gcc make valgrind (.ci/run installs them).
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));
/** Checks the harness makes today; a run reporting fewer means checks were lost. */
const MIN_CHECKS = 196;
const SUMMARY = /^(\d+) passed, (\d+) failed$/m;

interface Run {
	status: number | null;
	output: string;
}

function run(command: string, args: string[]): Run {
	const result = spawnSync(command, args, { encoding: "utf8", timeout: 50_000 });
	const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`;
	return { status: result.status, output };
}

function requireTool(command: string, args: string[], install: string): void {
	const probe = run(command, args);
	if (probe.status !== 0)
		throw new Error(`${command} ${args.join(" ")} failed: ${install} is missing (apt-get install -y ${install})`);
}

function expectSummary(result: Run): void {
	expect(result.status, result.output).toBe(0);
	const summary = SUMMARY.exec(result.output);
	expect(summary, `no "N passed, N failed" line in:\n${result.output}`).not.toBeNull();
	expect(Number(summary?.[2]), result.output).toBe(0);
	expect(Number(summary?.[1])).toBeGreaterThanOrEqual(MIN_CHECKS);
}

/** Build once into a private temp dir (parallel runs never share objects); throws with the reason. */
let build = "";
function built(): string {
	if (build !== "")
		return build;
	requireTool("pkg-config", ["--exists", "lwip"], "liblwip-dev pkg-config");
	const dir = mkdtempSync(join(tmpdir(), "netmon-"));
	const made = run("make", ["-s", "-C", HERE, `BUILD=${dir}`]);
	if (made.status !== 0)
		throw new Error(`make -C test/native failed:\n${made.output}`);
	build = dir;
	return build;
}

describe("netmon on Debian's liblwip", () => {
	afterAll(() => {
		if (build !== "")
			rmSync(build, { recursive: true, force: true });
	});

	it("lists what it opened and counts exactly what the tap saw", () => {
		expectSummary(run(join(built(), "netmon_test"), []));
	});

	it("is clean under valgrind memcheck", () => {
		requireTool("valgrind", ["--version"], "valgrind");
		expectSummary(run("make", ["-s", "-C", HERE, `BUILD=${built()}`, "valgrind"]));
	});
});
