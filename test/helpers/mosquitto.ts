/*
 * mosquitto — starts the real /usr/sbin/mosquitto for a test: 127.0.0.1 only, an ephemeral port,
 * mutual TLS (require_certificate) with a TestPki, persistence off. stop() kills it by PID and
 * waits for the exit; restart() starts it again on the same port (broker-restart tests).
 * launchMosquitto() runs it with a config file of the caller's instead; startCloudMosquitto() with the
 * cloud's generated (hardened) config, started as whoever runs the tests (root on CI) with no extra flags.
 * A missing binary is a failure with a clear message, never a skip.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { tmpdir, userInfo } from "node:os";
import { writeMosquittoConf, type MosquittoFiles } from "../../cloud/broker/mosquitto-conf";
import { ensureServerCertificate, issueThingCertificate } from "../../cloud/pki";
import type { TestPki } from "./certs";

export const MOSQUITTO = "/usr/sbin/mosquitto";

export interface Mosquitto {
	port: number;
	readonly pid: number | undefined;
	/** Broker output so far (for failure messages). */
	readonly output: string;
	stop(): Promise<void>;
	restart(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const a = s.address();
			s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
		});
	});
}

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const c = connect({ host: "127.0.0.1", port });
		c.once("connect", () => {
			c.destroy();
			resolve(true);
		});
		c.once("error", () => resolve(false));
	});
}

async function waitAccepting(port: number, child: ChildProcess, output: () => string, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${output()}`);
		if (await accepts(port)) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`mosquitto did not accept on 127.0.0.1:${port} within ${ms / 1000} s: ${output()}`);
}

function writeConfig(pki: TestPki, port: number): string {
	const path = join(pki.dir, `mosquitto-${port}.conf`);
	writeFileSync(path, [
		// stay the user who started it (as root, mosquitto would switch to "mosquitto", who cannot read the temp PKI)
		`user ${userInfo().username}`,
		`listener ${port} 127.0.0.1`,
		`cafile ${pki.ca.certPath}`,
		`certfile ${pki.server.certPath}`,
		`keyfile ${pki.server.keyPath}`,
		"require_certificate true",
		"allow_anonymous true",
		"persistence false",
		"log_dest stderr",
		"log_type error",
		"log_type warning",
		"",
	].join("\n"));
	return path;
}

/** Starts mosquitto with mutual TLS on an ephemeral 127.0.0.1 port and waits until it accepts. */
export async function startMosquitto(pki: TestPki): Promise<Mosquitto> {
	const port = await freePort();
	return launchMosquitto(port, writeConfig(pki, port));
}

export interface LaunchOptions {
	/** command prefix mosquitto runs under (e.g. valgrind and its options) */
	wrap?: string[];
	/** how stop() ends it (default SIGKILL; SIGTERM lets it clean up, e.g. for a leak check) */
	stopSignal?: NodeJS.Signals;
	acceptTimeoutMs?: number;
}

/**
 * Starts mosquitto with a config file of the caller's (which must listen on 127.0.0.1:`port`, e.g. one
 * from cloud/broker/mosquitto-conf.ts) and waits until it accepts.
 */
export async function launchMosquitto(port: number, config: string, options: LaunchOptions = {}): Promise<Mosquitto> {
	if (!existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} not found: install the mosquitto package (apt-get install mosquitto); interop tests do not skip`);
	let child: ChildProcess | undefined;
	let output = "";
	const launch = async () => {
		const [command, ...args] = [...(options.wrap ?? []), MOSQUITTO, "-c", config];
		const c = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
		child = c;
		c.stdout?.on("data", (d) => (output += d));
		c.stderr?.on("data", (d) => (output += d));
		await waitAccepting(port, c, () => output, options.acceptTimeoutMs);
	};
	const stop = async () => {
		const c = child;
		child = undefined;
		if (!c || c.exitCode !== null || c.pid === undefined) return;
		const exited = new Promise((r) => c.once("exit", r));
		process.kill(c.pid, options.stopSignal ?? "SIGKILL");
		await exited;
	};
	await launch();
	return {
		port,
		get pid() {
			return child?.pid;
		},
		get output() {
			return output;
		},
		stop,
		async restart() {
			await stop();
			await launch();
		},
	};
}

/**
 * The cloud's hardened mosquitto: a temp dir other users can enter (mosquitto started as root drops to
 * "mosquitto"), the pki with a certificate per thing, the generated config, mosquitto started without
 * extra flags. Returns the dirs and the running broker.
 */
export async function startCloudMosquitto(o: { things: string[]; allowTopics?: string[]; prefix?: string }): Promise<{ dir: string; pkiDir: string; files: MosquittoFiles; mosquitto: Mosquitto }> {
	const dir = mkdtempSync(join(tmpdir(), o.prefix ?? "cloud-mosquitto-"));
	chmodSync(dir, 0o711);
	const pkiDir = join(dir, "pki");
	ensureServerCertificate(pkiDir);
	for (const t of o.things) issueThingCertificate(pkiDir, t);
	const port = await freePort();
	const files = writeMosquittoConf({ port, pkiDir, outDir: join(dir, "mosquitto"), allowTopics: o.allowTopics });
	return { dir, pkiDir, files, mosquitto: await launchMosquitto(port, files.conf) };
}
