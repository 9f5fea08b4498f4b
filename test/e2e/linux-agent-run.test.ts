/*
 * `npm run device` as the Linux agent, the real process: the kernel-counter driver chosen by default
 * on Linux (`--interface lo`), reporting in real time to the self-hosted cloud, which accepts; an
 * unknown interface stops it at once with one line (exit 2).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud } from "../../cloud/index";
import type { Cloud } from "../../cloud/index";

const TSX = join("node_modules", ".bin", "tsx");
let dir: string;
let cloud: Cloud;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "linux-run-"));
	cloud = await startCloud({ pkiDir: dir, port: 0, log: () => {} });
});

afterAll(async () => {
	await cloud?.stop();
});

function args(thing: string, ...more: string[]): string[] {
	const f = cloud.issueThingCertificate(thing);
	return ["hardware/host/run.ts", "--thing", thing, "--host", "127.0.0.1", "--port", String(cloud.port), "--ca", f.caPem, "--cert", f.certPem, "--key", f.keyPem, "--store", join(dir, `${thing}.json`), ...more];
}

describe("npm run device on Linux", () => {
	it("reports the kernel's counters of the chosen interface and the cloud accepts them", async () => {
		const child = spawn(TSX, args("Gw1", "--interface", "lo", "--interval", "2", "--allow-short-interval", "--reply-timeout", "1"));
		const lines: string[] = [];
		try {
			for await (const line of createInterface({ input: child.stdout })) {
				lines.push(line);
				if (/report \d+: ACCEPTED/.test(line)) break;
				if (lines.length > 50) break;
			}
		} finally {
			child.kill("SIGTERM");
		}
		expect(lines.join("\n")).toMatch(/driver linux: kernel counters of lo, the machine's sockets/);
		expect(lines.join("\n")).toMatch(/report \d+: ACCEPTED/);
		const last = cloud.metrics("Gw1").lastReport ?? {};
		expect(last["aws:all-bytes-out"]?.count).toBeGreaterThan(0);
		expect(last["aws:num-established-tcp-connections"]?.count).toBeGreaterThanOrEqual(2);
	});

	it("stops with one line for an interface that does not exist (exit 2)", () => {
		const run = spawnSync(TSX, args("Gw2", "--interface", "nosuch0"), { encoding: "utf8", timeout: 60_000 });
		expect(run.status, run.stderr + run.stdout).toBe(2);
		expect(run.stderr.trim().split("\n")).toHaveLength(1);
		expect(run.stderr).toMatch(/^interface nosuch0 not found in \/proc\/self\/net\/dev/);
	});

	it("--driver socket reports the agent's own traffic only", async () => {
		const child = spawn(TSX, args("Gw3", "--driver", "socket", "--interval", "2", "--allow-short-interval", "--reply-timeout", "1"));
		const lines: string[] = [];
		try {
			for await (const line of createInterface({ input: child.stdout })) {
				lines.push(line);
				if (/report \d+: ACCEPTED/.test(line) || lines.length > 50) break;
			}
		} finally {
			child.kill("SIGTERM");
		}
		expect(lines.join("\n")).toMatch(/driver socket: the device's own traffic/);
		expect(cloud.metrics("Gw3").lastReport?.["aws:num-established-tcp-connections"]?.count).toBe(1);
	});
});
