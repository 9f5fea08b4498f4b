/*
 * npm start -- --broker mosquitto: the seed walkthrough on a real mosquitto loading the Defender plugin, in
 * virtual time — same story and outcome as the embedded broker's, mosquitto stopped afterwards (also on
 * SIGINT), and a clear one-line error when a prerequisite is missing.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crossesWindow, mosquittoProblem } from "../../scripts/walkthrough-mosquitto";

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
	alerts: { behavior: { name: string }; violationEventType: string; metricValue: { count: number }; thingName: string; securityProfileName: string }[];
}

function walkthrough(...args: string[]): Run {
	const data = mkdtempSync(join(tmpdir(), "walkthrough-mosquitto-test-"));
	const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/walkthrough.ts", "--data", data, ...args], { encoding: "utf8", timeout: 150_000 });
	const text = r.status === 0 ? readFileSync(join(data, "alerts.jsonl"), "utf8") : "";
	return { status: r.status, stdout: r.stdout, stderr: r.stderr, alerts: text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) };
}

function mosquittoPid(stdout: string): number {
	const m = /mosquitto \(pid (\d+)\) \+ Defender plugin on 127\.0\.0\.1:\d+/.exec(stdout);
	if (!m?.[1]) throw new Error(`no mosquitto line in:\n${stdout}`);
	return Number(m[1]);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

const inAlarm = (r: Run, name: string) => r.alerts.find((a) => a.behavior.name === name && a.violationEventType === "in-alarm");

describe("walkthrough on mosquitto + plugin (npm start -- --broker mosquitto)", () => {
	it("raises both seed violations with alerts once rogue mode is on, clears them after, counts like the embedded broker, exits 0", () => {
		const r = walkthrough("--broker", "mosquitto", "--format", "cbor");
		expect(r.stderr).toBe("");
		expect(r.status, r.stdout).toBe(0);
		expect(r.stdout).toMatch(/2 reports accepted, no violation/);
		expect(r.stdout).toMatch(/violations raised: (msgReceive, bytesOut|bytesOut, msgReceive)/);
		expect(r.stdout).toMatch(/cleared: /);
		expect(r.stdout).toMatch(/subscription confirmed: arn:aws:sns:[^:]+:\d{12}:MisbehavingDevices:/);
		for (const b of ["msgReceive", "bytesOut"]) expect(r.stdout).toMatch(new RegExp(`mail +Subject: Device Defender: MyDevice in-alarm ${b} \\(CheckRogueDevices\\)\\n`));
		expect(r.stdout).toMatch(/the violations of MyDevice were mailed to the topic's subscriber/);
		expect(r.stdout).toMatch(/plugin counted (\d+) messages from MyDevice and (\d+) to it; its client sent \1, received \2/);
		const kinds = r.alerts.map((a) => `${a.behavior.name}:${a.violationEventType}`).sort();
		expect(kinds).toEqual(["bytesOut:alarm-cleared", "bytesOut:in-alarm", "msgReceive:alarm-cleared", "msgReceive:in-alarm"]);
		for (const a of r.alerts) expect(a).toMatchObject({ thingName: "MyDevice", securityProfileName: "CheckRogueDevices" });
		expect(inAlarm(r, "bytesOut")?.metricValue.count).toBeGreaterThanOrEqual(10_000);
		expect(alive(mosquittoPid(r.stdout)), "mosquitto stopped at the end").toBe(false);

		// the plugin's counts land in the window the device made them in: the same msgReceive datapoint as the
		// embedded broker, which counts each delivery as it happens (without the hold, 10–20 leak into the next window)
		const embedded = walkthrough("--format", "cbor");
		expect(embedded.status, embedded.stdout).toBe(0);
		expect(inAlarm(r, "msgReceive")?.metricValue.count).toBe(inAlarm(embedded, "msgReceive")?.metricValue.count);
	}, 300_000);

	it("stops mosquitto by its PID on SIGINT", async () => {
		const data = mkdtempSync(join(tmpdir(), "walkthrough-mosquitto-sigint-"));
		const child = spawn(process.execPath, ["--import", "tsx", "scripts/walkthrough.ts", "--broker", "mosquitto", "--real", "--data", data], { stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no story start within 60 s:\n${out}`)), 60_000);
			child.stdout.on("data", (d) => {
				out += d;
				if (out.includes("1. a quiet device")) {
					clearTimeout(timer);
					resolve();
				}
			});
		});
		const pid = mosquittoPid(out);
		expect(alive(pid)).toBe(true);
		if (child.pid === undefined) throw new Error("walkthrough has no PID");
		process.kill(child.pid, "SIGINT");
		expect(await exited).toBe(130);
		expect(alive(pid), "mosquitto stopped on SIGINT").toBe(false);
	}, 120_000);

	it("without gcc: one clear line on stderr and exit 1, nothing started", () => {
		const data = mkdtempSync(join(tmpdir(), "walkthrough-mosquitto-nogcc-"));
		const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/walkthrough.ts", "--broker", "mosquitto", "--data", data], {
			encoding: "utf8",
			timeout: 60_000,
			env: { ...process.env, PATH: "/nonexistent" },
		});
		expect(r.status).toBe(1);
		expect(r.stdout).toBe("");
		expect(r.stderr).toBe("walkthrough: --broker mosquitto needs gcc to build the Defender plugin: install gcc (apt-get install gcc)\n");
	}, 90_000);

	it("names a missing mosquitto binary or plugin header; a bad --broker is a usage error", () => {
		const headers: [string, string][] = [["/usr/include/mosquitto_plugin.h", "mosquitto-dev"]];
		expect(mosquittoProblem({ mosquitto: "/nonexistent/mosquitto", gcc: "gcc", headers })).toBe(
			"--broker mosquitto needs /nonexistent/mosquitto: install mosquitto 2.0 (apt-get install mosquitto)",
		);
		expect(mosquittoProblem({ mosquitto: "/usr/sbin/mosquitto", gcc: "gcc", headers: [["/nonexistent/mosquitto_plugin.h", "mosquitto-dev"]] })).toBe(
			"--broker mosquitto needs /nonexistent/mosquitto_plugin.h to build the Defender plugin: install mosquitto-dev (apt-get install mosquitto-dev)",
		);
		expect(mosquittoProblem()).toBeUndefined();
		const r = walkthrough("--broker", "emqx");
		expect(r.status).toBe(2);
		expect(r.stderr).toBe('walkthrough: --broker must be one of embedded, mosquitto, not "emqx"\n');
	}, 90_000);

	it("a step crosses a window end exactly when it reaches a multiple of 300 s", () => {
		const w = 300_000;
		expect(crossesWindow(7 * w - 1000, 1000)).toBe(true);
		expect(crossesWindow(7 * w - 2000, 1000)).toBe(false);
		expect(crossesWindow(7 * w, 1000)).toBe(false);
		expect(crossesWindow(7 * w - 1, 1)).toBe(true);
	});
});
