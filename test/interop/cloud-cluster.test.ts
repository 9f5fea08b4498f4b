/*
 * Two cloud processes share one PostgreSQL and one mosquitto (external-broker mode): the things are split
 * between them by partition leases. SIGKILL one: the other takes its partitions over within the lease time,
 * loads their state from the database, replays the reports it held meanwhile, and every thing's history ends
 * up with exactly one in-alarm and one alarm-cleared of the same violation (none lost, none raised twice).
 */
import { fork, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeMosquittoConf } from "../../cloud/broker/mosquitto-conf";
import { ensureServerCertificate, issueThingCertificate } from "../../cloud/pki";
import { openPgStore } from "../../cloud/store/pg-store";
import { partitionOf } from "../../cloud/store/partition";
import { freePort, launchMosquitto, type Mosquitto } from "../helpers/mosquitto";
import { startPostgres, type Postgres } from "../helpers/postgres";

const LEASE_MS = 3_000;
const THINGS = Array.from({ length: 16 }, (_, i) => `dev-${i}`);
const PORTS = { name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8883] } } };

interface Node {
	child: ChildProcess;
	lines: string[];
	held: Set<number>;
}

let dir: string;
let pg: Postgres;
let mosquitto: Mosquitto;
let database: string;
const nodes: Node[] = [];
const clients: MqttClient[] = [];

async function waitFor(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!ok()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; node logs:\n${nodes.map((n) => n.lines.join("\n")).join("\n----\n")}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

const parts = (line: string): number[] => (/partition\(s\) ([\d,]+)/.exec(line)?.[1] ?? "").split(",").filter(Boolean).map(Number);

async function startNode(name: string): Promise<Node> {
	const script = fileURLToPath(new URL("../helpers/cluster-node.ts", import.meta.url));
	const child = fork(script, [join(dir, "pki"), database, `mqtts://127.0.0.1:${mosquitto.port}`, name, String(LEASE_MS)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
	const node: Node = { child, lines: [], held: new Set() };
	let rest = "";
	const onData = (d: Buffer): void => {
		const text = rest + d.toString();
		const lines = text.split("\n");
		rest = lines.pop() ?? "";
		for (const line of lines) {
			node.lines.push(line);
			if (line.startsWith("cluster: took")) for (const p of parts(line)) node.held.add(p);
			else if (line.startsWith("cluster: ")) for (const p of parts(line)) node.held.delete(p);
		}
	};
	child.stdout?.on("data", onData);
	child.stderr?.on("data", onData);
	nodes.push(node);
	await waitFor(`node ${name} to start`, () => node.lines.includes("READY") || child.exitCode !== null);
	if (child.exitCode !== null) throw new Error(`node ${name} exited: ${node.lines.join("\n")}`);
	return node;
}

function client(thing: string): Promise<MqttClient> {
	const f = issueThingCertificate(join(dir, "pki"), thing);
	return mqtt.connectAsync(`mqtts://127.0.0.1:${mosquitto.port}`, {
		clientId: thing, ca: readFileSync(f.caPem), cert: readFileSync(f.certPem), key: readFileSync(f.keyPem), rejectUnauthorized: true, reconnectPeriod: 0,
	});
}

const report = (rid: number, ports: number[]): string => JSON.stringify({ hed: { rid, v: "1.0" }, met: { tp: { pts: ports.map((pt) => ({ pt })) } } });

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "cloud-cluster-"));
	chmodSync(dir, 0o711);
	const pkiDir = join(dir, "pki");
	ensureServerCertificate(pkiDir);
	for (const t of THINGS) issueThingCertificate(pkiDir, t);
	pg = await startPostgres();
	database = await pg.createDatabase("cluster");
	const seed = await openPgStore(database);
	await seed.saveProfile({ securityProfileName: "Ports", behaviors: [PORTS] });
	await seed.saveTarget("Ports", "arn:aws:iot:local:000000000000:all/things");
	await seed.close();
	const port = await freePort();
	const files = writeMosquittoConf({ port, pkiDir, outDir: join(dir, "mosquitto"), detectNodes: ["a", "b"] });
	mosquitto = await launchMosquitto(port, files.conf);
}, 120_000);

afterAll(async () => {
	for (const c of clients) c.end(true);
	for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null && n.child.pid !== undefined) {
		const exited = new Promise((r) => n.child.once("exit", r));
		process.kill(n.child.pid, "SIGTERM");
		await exited;
	}
	await mosquitto?.stop();
	await pg?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("two cloud processes, one PostgreSQL, one mosquitto", () => {
	it("SIGKILL one: the other takes its things over within the lease time, no violation lost or raised twice", async () => {
		const a = await startNode("a");
		await waitFor("a to hold every partition", () => a.held.size === 64);
		const b = await startNode("b");
		await waitFor("a and b to share the partitions", () => a.held.size === 32 && b.held.size === 32 && [...a.held].every((p) => !b.held.has(p)));
		const ofA = THINGS.filter((t) => a.held.has(partitionOf(t)));
		expect(ofA.length, "the hash splits the things between the two").toBeGreaterThan(0);
		expect(ofA.length).toBeLessThan(THINGS.length);

		const replies = new Map<string, { rid: number; status: string }[]>();
		for (const t of THINGS) {
			const c = await client(t);
			clients.push(c);
			replies.set(t, []);
			c.on("message", (topic, payload) => replies.get(t)?.push({ rid: JSON.parse(payload.toString()).reportId, status: topic.split("/").at(-1) ?? "" }));
			await c.subscribeAsync(`$aws/things/${t}/defender/metrics/json/+`, { qos: 1 });
		}
		const answered = (rid: number): string[] => THINGS.filter((t) => replies.get(t)?.some((r) => r.rid === rid && r.status === "accepted"));

		for (const [i, t] of THINGS.entries()) await clients[i].publishAsync(`$aws/things/${t}/defender/metrics/json`, report(1, [23]), { qos: 1 });
		await waitFor("every first report answered", () => answered(1).length === THINGS.length);

		const killedAt = Date.now();
		process.kill(a.child.pid ?? 0, "SIGKILL");
		for (const [i, t] of THINGS.entries()) await clients[i].publishAsync(`$aws/things/${t}/defender/metrics/json`, report(2, []), { qos: 1 });
		await waitFor("every second report answered", () => answered(2).length === THINGS.length, 60_000);
		const handover = Date.now() - killedAt;
		await waitFor("b to hold every partition", () => b.held.size === 64);
		console.log(`cluster: ${ofA.length} of ${THINGS.length} things moved from a to b; last reply ${handover} ms after the SIGKILL (lease ${LEASE_MS} ms)`);
		expect(handover).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 20_000); // lease expiry + one renewal period, generous slack for a loaded machine
		expect(b.lines.some((l) => /cluster: took partition\(s\) .*held report\(s\) replayed/.test(l))).toBe(true);

		const store = await openPgStore(database);
		try {
			const events = (await store.violationEvents({ maxResults: 1000 })).violationEvents;
			for (const t of THINGS) {
				const mine = events.filter((e) => e.thingName === t);
				expect(mine.map((e) => e.violationEventType), t).toEqual(["in-alarm", "alarm-cleared"]);
				expect(mine[1].violationId, `${t}: the clear ends the alarm raised before the kill`).toBe(mine[0].violationId);
			}
			for (const t of THINGS) expect(replies.get(t)?.filter((r) => r.rid === 2).length, `${t}: one reply to report 2`).toBe(1);
		} finally {
			await store.close();
		}
	}, 180_000);
});
