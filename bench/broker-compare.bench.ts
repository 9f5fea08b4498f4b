/*
 * broker-compare bench (issue 12) — the embedded broker (aedes behind the packet gate, in startCloud) beside
 * mosquitto 2.0 + the Defender plugin (`mosquitto-conf --plugin`), same certificates, same clients, same run.
 * For each fleet size (loopback, mutual TLS, clients in a separate process, 100 handshakes at a time):
 * - handshake rate: TLS + MQTT CONNECT/CONNACK per second while the fleet connects;
 * - connections held, and the broker process's RSS per connection ((VmRSS held − VmRSS idle) / connections;
 *   the embedded cloud runs in its own process for this, mosquitto's is read from /proc/<pid>/status);
 * - messages/s: every client publishes one QoS 1 message to its own topic and is subscribed to it, ROUNDS
 *   rounds back to back; counted when delivered back through the broker (and PUBACKed);
 * - the broker process's CPU time per connection and per message (/proc/<pid>/stat): the 2 cores are shared,
 *   so wall-clock rates depend on the machine's load, CPU time much less.
 * Prints a table with the ratio mosquitto ÷ embedded. Bounded: every phase has a time limit and the whole
 * run a watchdog; it ends every process it started (by handle). Not run in CI.
 * Run: npx tsx bench/broker-compare.bench.ts  (BENCH_COMPARE_SIZES=1000,5000,10000 by default)
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeMosquittoConf } from "../cloud/broker/mosquitto-conf";
import { ensureServerCertificate } from "../cloud/pki";
import { freePort, launchMosquitto } from "../test/helpers/mosquitto";
import { issueFleet, type FleetCredentials } from "../test/load/fleet-pki";
import type { ConnectResult, RoundsResult } from "./broker-compare-fleet";

const SIZES = (process.env.BENCH_COMPARE_SIZES ?? "1000,5000,10000").split(",").map(Number);
const ROUNDS = 5;
const PHASE_LIMIT_MS = 180_000;
/** connecting (and subscribing) n clients: generous, the 2 cores are shared */
const CONNECT_LIMIT_MS = (n: number): number => 60_000 + n * 50;
const WATCHDOG_MS = 30 * 60_000;
const children = new Set<ChildProcess>();

interface Measured {
	connect: ConnectResult;
	rssIdleKiB: number;
	rssHeldKiB: number;
	rounds: RoundsResult;
	/** the broker process's CPU time (user + system) spent connecting the fleet, and over the rounds */
	cpuConnectMs: number;
	cpuRoundsMs: number;
}

function vmRssKiB(pid: number): number {
	const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
	if (!m) throw new Error(`no VmRSS for pid ${pid}`);
	return Number(m[1]);
}

/** user + system CPU time of `pid` so far, ms (/proc/<pid>/stat fields 14 and 15, in USER_HZ = 100 ticks) */
function cpuMs(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

function track(c: ChildProcess): ChildProcess {
	children.add(c);
	c.once("exit", () => children.delete(c));
	return c;
}

function killAll(): void {
	for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

/** Calls into the fleet process (broker-compare-fleet.ts), each bounded by PHASE_LIMIT_MS. */
function fleetProcess(): { call<T>(req: object, limitMs?: number): Promise<T>; child: ChildProcess } {
	const child = track(fork(fileURLToPath(new URL("./broker-compare-fleet.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
	let next = 1;
	const call = <T>(req: object, limitMs = PHASE_LIMIT_MS): Promise<T> =>
		new Promise<T>((resolve, reject) => {
			const id = next++;
			const timer = setTimeout(() => reject(new Error(`fleet: no answer within ${limitMs + 30_000} ms`)), limitMs + 30_000);
			const on = (m: { id: number; ok: boolean; value?: unknown; error?: string }): void => {
				if (m.id !== id) return;
				child.off("message", on);
				clearTimeout(timer);
				if (m.ok) resolve(m.value as T);
				else reject(new Error(`fleet: ${m.error}`));
			};
			child.on("message", on);
			child.send({ id, ...req });
		});
	return { call, child };
}

/** Connects the fleet to `port`, measures the broker `pid`'s RSS before and after, runs the rounds. */
async function measure(port: number, pid: number, creds: FleetCredentials): Promise<Measured> {
	const fleet = fleetProcess();
	try {
		await new Promise((r) => setTimeout(r, 500));
		const rssIdleKiB = vmRssKiB(pid);
		const cpu0 = cpuMs(pid);
		const connect = await fleet.call<ConnectResult>({ op: "connect", setup: { port, ca: creds.ca, key: creds.key, certs: [...creds.certs], connectTimeoutMs: 120_000 } }, CONNECT_LIMIT_MS(creds.certs.size));
		await new Promise((r) => setTimeout(r, 1000));
		const rssHeldKiB = vmRssKiB(pid);
		const cpu1 = cpuMs(pid);
		const rounds = await fleet.call<RoundsResult>({ op: "rounds", rounds: ROUNDS, limitMs: PHASE_LIMIT_MS });
		const cpuRoundsMs = cpuMs(pid) - cpu1;
		await fleet.call({ op: "close" }).catch(() => undefined);
		return { connect, rssIdleKiB, rssHeldKiB, rounds, cpuConnectMs: cpu1 - cpu0, cpuRoundsMs };
	} finally {
		if (fleet.child.exitCode === null) fleet.child.kill("SIGKILL");
	}
}

async function embedded(pkiDir: string, creds: FleetCredentials): Promise<Measured> {
	const child = track(fork(fileURLToPath(new URL("./broker-compare-cloud.ts", import.meta.url)), [pkiDir], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
	try {
		const port = await new Promise<number>((resolve, reject) => {
			child.once("message", (m: { port: number }) => resolve(m.port));
			child.once("exit", (code) => reject(new Error(`embedded cloud exited with ${code}`)));
		});
		if (child.pid === undefined) throw new Error("embedded cloud has no pid");
		return await measure(port, child.pid, creds);
	} finally {
		const exited = new Promise((r) => child.once("exit", r));
		if (child.exitCode === null) child.send("stop");
		await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
		if (child.exitCode === null) child.kill("SIGKILL");
	}
}

async function mosquittoPlugin(dir: string, pkiDir: string, creds: FleetCredentials): Promise<Measured> {
	const port = await freePort();
	const files = writeMosquittoConf({ port, pkiDir, outDir: join(dir, "mosquitto"), user: userInfo().username, plugin: { revokedFile: join(dir, "revoked.txt") } });
	const broker = await launchMosquitto(port, files.conf);
	try {
		if (broker.pid === undefined) throw new Error("mosquitto has no pid");
		return await measure(port, broker.pid, creds);
	} finally {
		await broker.stop();
	}
}

const rate = (n: number, ms: number): number => (n * 1000) / ms;
const perConn = (m: Measured): number => ((m.rssHeldKiB - m.rssIdleKiB) * 1024) / Math.max(1, m.connect.connected);

function table(n: number, e: Measured, q: Measured): void {
	const rows: [string, number, number, (x: number) => string][] = [
		["connections held", e.connect.connected, q.connect.connected, (x) => x.toFixed(0)],
		["handshakes/s (TLS + CONNECT)", rate(e.connect.connected, e.connect.connectMs), rate(q.connect.connected, q.connect.connectMs), (x) => x.toFixed(0)],
		["broker RSS idle, MiB", e.rssIdleKiB / 1024, q.rssIdleKiB / 1024, (x) => x.toFixed(1)],
		["broker RSS held, MiB", e.rssHeldKiB / 1024, q.rssHeldKiB / 1024, (x) => x.toFixed(1)],
		["RSS per connection, KiB", perConn(e) / 1024, perConn(q) / 1024, (x) => x.toFixed(1)],
		[`QoS 1 messages/s (delivered, ×${ROUNDS} rounds)`, rate(e.rounds.delivered, e.rounds.ms), rate(q.rounds.delivered, q.rounds.ms), (x) => x.toFixed(0)],
		["broker CPU ms per connection (+SUBSCRIBE)", e.cpuConnectMs / e.connect.connected, q.cpuConnectMs / q.connect.connected, (x) => x.toFixed(2)],
		["broker CPU µs per message delivered", (1000 * e.cpuRoundsMs) / e.rounds.delivered, (1000 * q.cpuRoundsMs) / q.rounds.delivered, (x) => x.toFixed(0)],
	];
	console.log(`\n${n} connections${e.connect.failed + q.connect.failed ? ` (failed to connect: embedded ${e.connect.failed}, mosquitto ${q.connect.failed}: ${e.connect.firstError ?? q.connect.firstError})` : ""}`);
	console.log(`    ${"".padEnd(40)} ${"embedded".padStart(10)} ${"mosquitto".padStart(10)} ${"mosq÷emb".padStart(9)}`);
	for (const [label, a, b, f] of rows) console.log(`    ${label.padEnd(40)} ${f(a).padStart(10)} ${f(b).padStart(10)} ${(b / a).toFixed(2).padStart(9)}`);
	for (const [name, m] of [["embedded", e], ["mosquitto", q]] as const) {
		if (m.rounds.delivered < m.rounds.expected || m.rounds.acked < m.rounds.expected) console.log(`    ${name}: only ${m.rounds.delivered} delivered / ${m.rounds.acked} PUBACKed of ${m.rounds.expected} within the limit`);
	}
}

async function size(n: number): Promise<boolean> {
	const dir = mkdtempSync(join(tmpdir(), "broker-compare-"));
	try {
		const pkiDir = join(dir, "pki");
		ensureServerCertificate(pkiDir);
		const creds = issueFleet(pkiDir, "bench-", n);
		const e = await embedded(pkiDir, creds);
		const q = await mosquittoPlugin(dir, pkiDir, creds);
		table(n, e, q);
		return e.connect.connected === n && q.connect.connected === n;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const watchdog = setTimeout(() => {
	console.log(`FAIL: the run took longer than ${WATCHDOG_MS / 60_000} min`);
	killAll();
	process.exit(1);
}, WATCHDOG_MS);
console.log(`Embedded broker (aedes + gate, in startCloud) vs mosquitto + plugin; loopback, mutual TLS, clients in a separate process, 100 handshakes at a time`);
let ok = true;
try {
	for (const n of SIZES) ok = (await size(n)) && ok;
} catch (e) {
	console.log(`FAIL: ${(e as Error).message}`);
	ok = false;
} finally {
	killAll();
	clearTimeout(watchdog);
}
process.exit(ok ? 0 : 1);
