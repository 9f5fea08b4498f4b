/*
 * cli-cloud — `npm run cloud -- start --port 0 --api-port 0` as a child process in a temporary folder, the
 * way a user starts the cloud: its API URL (from the line it prints), its output, the API key `api-key`
 * prints for its data dir, and a stop that waits for the process to exit.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { apiUrl } from "./api-setup";
import type { AwsKey } from "./aws-cli";
import { tempDir } from "./cloud-setup";

const run = promisify(execFile);
export const TSX = join("node_modules", ".bin", "tsx");

export interface CliCloud {
	child: ChildProcess;
	dir: string;
	data: string;
	pki: string;
	/** the API's base URL */
	url: string;
	/** what it printed so far */
	stdout(): string;
	stderr(): string;
	/** SIGTERM, wait for the exit, remove the folder */
	stop(): Promise<void>;
}

/** The key pair `npm run cloud -- api-key --data <data>` prints (its exact format checked). */
export async function apiKeyOf(data: string): Promise<AwsKey> {
	const { stdout } = await run(TSX, ["cloud/cli.ts", "api-key", "--data", data]);
	const m = /^AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})\nAWS_SECRET_ACCESS_KEY=(\S{40})\n$/.exec(stdout);
	if (!m) throw new Error(`unexpected api-key output: ${stdout.replace(/SECRET_ACCESS_KEY=\S+/, "SECRET_ACCESS_KEY=…")}`);
	return { accessKeyId: m[1], secretAccessKey: m[2] };
}

/** SIGTERM to a child still running; resolves when it has exited. */
export async function stopChild(c: ChildProcess | undefined): Promise<void> {
	if (c?.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
	const exited = new Promise((r) => c.once("exit", r));
	c.kill("SIGTERM");
	await exited;
}

/** Starts the cloud with `extra` options after --port 0 --api-port 0 --data --pki; resolves once its API listens. */
export async function startCliCloud(prefix: string, extra: string[] = []): Promise<CliCloud> {
	const dir = tempDir(prefix);
	const data = join(dir, "data");
	const pki = join(dir, "pki");
	const child = spawn(TSX, ["cloud/cli.ts", "start", "--port", "0", "--api-port", "0", "--data", data, "--pki", pki, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
	let out = "";
	let err = "";
	child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
	child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
	const stop = async (): Promise<void> => {
		await stopChild(child);
		rmSync(dir, { recursive: true, force: true });
	};
	const url = await apiUrl(child).catch(async (e: unknown) => {
		await stop();
		throw e;
	});
	return { child, dir, data, pki, url, stdout: () => out, stderr: () => err, stop };
}

export interface CliResult {
	code: number | null;
	out: string;
	err: string;
}

/** `npm run cloud -- <args>` with `env` added, asynchronous (a cloud in this process keeps answering meanwhile); never throws. */
export function runCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
	return new Promise((resolve) => {
		execFile(process.execPath, ["--import", "tsx", "cloud/cli.ts", ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } }, (e, out, err) => {
			resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, out, err });
		});
	});
}
