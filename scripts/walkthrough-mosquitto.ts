/*
 * walkthrough-mosquitto — `npm start -- --broker mosquitto`: the walkthrough's broker is a real mosquitto 2.0
 * loading our Defender plugin (cloud/broker/plugin.ts), with Detect as its privileged subscriber
 * (startCloud with `broker: {url, plugin: true}`). mosquitto runs as a child process on an ephemeral
 * 127.0.0.1 port with the config of writeMosquittoConf, as the user who started the walkthrough (so a root
 * run keeps it root and no file changes hands); it is stopped by its PID at the end, on failure, on
 * SIGINT/SIGTERM and, as a last resort, when this process exits.
 *
 * Virtual time and the plugin's real-time counters: the plugin hands its per-thing counters to Detect every
 * `intervalMs` of real time, while the walkthrough's five-minute windows pass in virtual time. A count that
 * arrives after the virtual clock has crossed a window boundary would land in the next window. So the
 * walkthrough holds the virtual clock before every step that crosses a window boundary (countersCaughtUp):
 * time stands still until the cloud's totals for the thing have reached what the device's own MQTT client
 * counted (messages it published, deliveries it received). Every count then lands in the window in which
 * the device did it, however slowly the real machine runs; a short interval (20 ms) keeps the hold short.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { writeMosquittoConf } from "../cloud/broker/mosquitto-conf";
import { DURATIONS } from "../cloud/detect/catalogue";
import { startCloud, type Cloud, type CloudOptions } from "../cloud/index";
import { ensureServerCertificate } from "../cloud/pki";
import type { Device } from "../hardware/host/device";

export const MOSQUITTO = "/usr/sbin/mosquitto";
/** real ms between the plugin's counter messages (the plugin takes 10 ms and up) */
export const COUNTERS_INTERVAL_MS = 20;
const PLUGIN_HEADERS: [string, string][] = [
	["/usr/include/mosquitto_plugin.h", "mosquitto-dev"],
	["/usr/include/openssl/x509.h", "libssl-dev"],
];

export class MissingPrerequisite extends Error {}

/** What is missing to run the walkthrough on mosquitto + plugin, as one line; undefined when nothing is. */
export function mosquittoProblem(paths = { mosquitto: MOSQUITTO, gcc: "gcc", headers: PLUGIN_HEADERS }): string | undefined {
	if (!existsSync(paths.mosquitto)) return `--broker mosquitto needs ${paths.mosquitto}: install mosquitto 2.0 (apt-get install mosquitto)`;
	const gcc = spawnSync(paths.gcc, ["--version"], { stdio: "ignore" });
	if (gcc.error) return `--broker mosquitto needs gcc to build the Defender plugin: install gcc (apt-get install gcc)`;
	for (const [header, pkg] of paths.headers) {
		if (!existsSync(header)) return `--broker mosquitto needs ${header} to build the Defender plugin: install ${pkg} (apt-get install ${pkg})`;
	}
	return undefined;
}

/** True when advancing `clock` by `stepMs` crosses the end of a Detect window (every length is epoch-aligned). */
export function crossesWindow(now: number, stepMs: number): boolean {
	return DURATIONS.some((d) => Math.floor(now / (d * 1000)) !== Math.floor((now + stepMs) / (d * 1000)));
}

/** The cloud has counted (from the plugin's counters) at least what the device's MQTT client did. */
export function countersCaughtUp(cloud: Cloud, device: Device, thing: string): boolean {
	const m = cloud.metrics(thing);
	const s = device.client.stats;
	return m["aws:num-messages-sent"] >= s.messagesOut - s.retransmits && m["aws:num-messages-received"] >= s.messagesIn;
}

/**
 * The last step on mosquitto: every message the device published and every delivery it received was counted
 * by the plugin and reached the cloud (waits up to 5 s of real time for the last interval). 0 when so, else 1.
 */
export async function checkPluginCounters(cloud: Cloud, device: Device, thing: string, say: (who: string, text: string) => void): Promise<number> {
	const deadline = Date.now() + 5000;
	while (!countersCaughtUp(cloud, device, thing) && Date.now() < deadline) await new Promise((r) => setTimeout(r, COUNTERS_INTERVAL_MS));
	const m = cloud.metrics(thing);
	const s = device.client.stats;
	const line = `plugin counted ${m["aws:num-messages-sent"]} messages from ${thing} and ${m["aws:num-messages-received"]} to it; its client sent ${s.messagesOut - s.retransmits}, received ${s.messagesIn}`;
	say(countersCaughtUp(cloud, device, thing) ? "done" : "FAIL", line);
	return countersCaughtUp(cloud, device, thing) ? 0 : 1;
}

export interface MosquittoProcess {
	port: number;
	pid: number;
	stop(): Promise<void>;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const a = s.address();
			s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no ephemeral port"))));
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

/** Starts mosquitto with `conf` and waits (up to 10 s) until it accepts on 127.0.0.1:`port`. */
async function launch(port: number, conf: string): Promise<MosquittoProcess> {
	const child: ChildProcess = spawn(MOSQUITTO, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
	let output = "";
	child.stderr?.on("data", (d) => (output = (output + d).slice(-4000)));
	const spawned = await new Promise<number>((resolve, reject) => {
		child.once("spawn", () => (child.pid === undefined ? reject(new Error("mosquitto: no PID")) : resolve(child.pid)));
		child.once("error", reject);
	});
	const exited = new Promise<void>((r) => child.once("exit", () => r()));
	const kill = (): void => {
		if (child.exitCode === null && child.signalCode === null) process.kill(spawned, "SIGTERM");
	};
	process.once("exit", kill); // last resort: never leave mosquitto behind
	const stop = async (): Promise<void> => {
		kill();
		await exited;
		process.off("exit", kill);
	};
	const deadline = Date.now() + 10_000;
	while (!(await accepts(port))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`mosquitto did not start on 127.0.0.1:${port}: ${output.trim() || `exit ${child.exitCode}`}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	return { port, pid: spawned, stop };
}

export interface MosquittoCloud {
	cloud: Cloud;
	mosquitto: MosquittoProcess;
	stop(): Promise<void>;
}

/**
 * Builds the plugin, writes the config into `<dataDir>/mosquitto`, starts mosquitto and the cloud on it.
 * `cloudOptions` are the walkthrough's own (its PKI dir is shared with mosquitto: CA, broker and Detect certificates).
 */
export async function startMosquittoCloud(dataDir: string, allowTopics: string[], cloudOptions: CloudOptions): Promise<MosquittoCloud> {
	const problem = mosquittoProblem();
	if (problem) throw new MissingPrerequisite(problem);
	ensureServerCertificate(cloudOptions.pkiDir);
	const port = await freePort();
	const files = writeMosquittoConf({
		port,
		pkiDir: cloudOptions.pkiDir,
		outDir: join(dataDir, "mosquitto"),
		allowTopics,
		user: userInfo().username,
		plugin: { intervalMs: COUNTERS_INTERVAL_MS },
	});
	const mosquitto = await launch(port, files.conf);
	const onSignal = (signal: NodeJS.Signals): void => {
		void mosquitto.stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
	};
	process.once("SIGINT", onSignal);
	process.once("SIGTERM", onSignal);
	const release = async (): Promise<void> => {
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		await mosquitto.stop();
	};
	let cloud: Cloud;
	try {
		cloud = await startCloud({ ...cloudOptions, broker: { url: `mqtts://127.0.0.1:${port}`, plugin: true } });
	} catch (e) {
		await release();
		throw e;
	}
	return {
		cloud,
		mosquitto,
		async stop() {
			try {
				await cloud.stop();
			} finally {
				await release();
			}
		},
	};
}
