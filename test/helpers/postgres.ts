/*
 * postgres — a real PostgreSQL 15 server for a test (Debian's postgresql package): initdb into a temp dir,
 * `postgres` on an ephemeral 127.0.0.1 port with its unix socket in that dir, password (SCRAM) auth over
 * TCP for the superuser `defender`. initdb refuses to run as root, so when the tests run as root (CI) the
 * server runs as the `postgres` system user the package creates, with the temp dir handed to it.
 * stop() ends the server by PID (fast shutdown) and removes the dir. A missing binary is a failure, never a skip.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./mosquitto";

export const PG_BIN = "/usr/lib/postgresql/15/bin";
export const PG_USER = "defender";
export const PG_PASSWORD = "defender-test-password";

export interface Postgres {
	port: number;
	readonly pid: number | undefined;
	/** postgres://defender:…@127.0.0.1:port/<database> */
	url(database: string): string;
	/** Creates a fresh database; returns its URL. */
	createDatabase(name: string): Promise<string>;
	readonly output: string;
	/** Stops the server (fast shutdown), keeping its data; resume() starts it again on the same port. */
	halt(): Promise<void>;
	resume(): Promise<void>;
	stop(): Promise<void>;
}

/** uid/gid to run the server as: ourselves, or the `postgres` system user when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const id = (flag: string): number => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
	try {
		return { uid: id("-u"), gid: id("-g") };
	} catch {
		throw new Error("running as root: initdb refuses root and there is no `postgres` system user (apt-get install postgresql)");
	}
}

async function waitReady(port: number, child: ChildProcess, output: () => string, ms = 30_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${output()}`);
		const c = new pg.Client({ host: "127.0.0.1", port, user: PG_USER, password: PG_PASSWORD, database: "postgres" });
		try {
			await c.connect();
			await c.end();
			return;
		} catch {
			await c.end().catch(() => undefined);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	throw new Error(`postgres did not accept on 127.0.0.1:${port} within ${ms / 1000} s: ${output()}`);
}

export async function startPostgres(): Promise<Postgres> {
	const initdb = join(PG_BIN, "initdb");
	if (!existsSync(initdb)) throw new Error(`${initdb} not found: install the postgresql package (apt-get install postgresql-15); the PostgreSQL tests do not skip`);
	const as = runAs();
	const dir = mkdtempSync(join(tmpdir(), "defender-pg-"));
	const data = join(dir, "data");
	const pwfile = join(dir, "pw");
	writeFileSync(pwfile, PG_PASSWORD + "\n", { mode: 0o600 });
	if (as) {
		chmodSync(dir, 0o700);
		chownSync(dir, as.uid, as.gid);
		chownSync(pwfile, as.uid, as.gid);
	}
	const run = { ...(as ?? {}), encoding: "utf8" as const, stdio: "pipe" as const };
	try {
		execFileSync(initdb, ["-D", data, "-U", PG_USER, "--pwfile", pwfile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync"], run);
	} catch (e) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb failed: ${(e as { stderr?: string }).stderr ?? String(e)}`);
	}
	const port = await freePort();
	const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50"];
	let output = "";
	const launch = (): ChildProcess => {
		const c = spawn(join(PG_BIN, "postgres"), args, { ...(as ?? {}), stdio: ["ignore", "pipe", "pipe"] });
		c.stdout?.on("data", (d) => (output += d));
		c.stderr?.on("data", (d) => (output += d));
		return c;
	};
	let child = launch();
	const halt = async (): Promise<void> => {
		const c = child;
		if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
			const exited = new Promise((r) => c.once("exit", r));
			process.kill(c.pid, "SIGINT");
			const timer = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, "SIGKILL"), 10_000);
			await exited;
			clearTimeout(timer);
		}
	};
	const stop = async (): Promise<void> => {
		await halt();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitReady(port, child, () => output);
	} catch (e) {
		await stop();
		throw e;
	}
	const url = (database: string): string => `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`;
	return {
		port,
		get pid() {
			return child.pid;
		},
		halt,
		async resume() {
			child = launch();
			await waitReady(port, child, () => output);
		},
		url,
		get output() {
			return output;
		},
		async createDatabase(name: string) {
			if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be a plain identifier, got "${name}"`);
			const c = new pg.Client({ connectionString: url("postgres") });
			await c.connect();
			try {
				await c.query(`CREATE DATABASE ${name}`);
			} finally {
				await c.end();
			}
			return url(name);
		},
		stop,
	};
}
