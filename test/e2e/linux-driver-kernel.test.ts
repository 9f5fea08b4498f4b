/*
 * The Linux driver against the kernel itself. Two network namespaces the test creates, joined by a
 * veth pair with IPv6 off (so nothing but the test's traffic crosses it), 192.0.2.0/24 (TEST-NET-1)
 * inside them only. The driver reads the client namespace through /proc/<pid>/net of the client
 * process; `ip -s -j link` (netlink, not /proc) is the independent reading, taken around the
 * driver's so the driver's delta is bracketed. Then its socket lists against the sockets the client
 * opened, and on loopback of the test's own namespace for IPv6.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer, connect } from "node:net";
import type { Server, Socket } from "node:net";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinuxNetDriver } from "../../hardware/host/linux/linux-driver";

const tag = `dd${process.pid % 100000}`;
const NS_A = `${tag}-a`;
const NS_B = `${tag}-b`;
const IF_A = `${tag}a`;
const IF_B = `${tag}b`;
const SERVER_PORT = 47001;
const CLIENT_TCP = 47002;
const CLIENT_UDP = 47003;
const PEER = new URL("../helpers/netns-peer.mjs", import.meta.url).pathname;

const sh = (...args: string[]) => execFileSync(args[0], args.slice(1), { encoding: "utf8" });
const children: ChildProcessWithoutNullStreams[] = [];

/** Starts netns-peer in a namespace; resolves with the child and its "ready" line. */
async function peer(ns: string, ...args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string>; ready: string }> {
	const child = spawn("ip", ["netns", "exec", ns, process.execPath, PEER, ...args]);
	children.push(child);
	child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
	const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
	const first = await lines.next();
	if (first.done) throw new Error(`netns-peer ${args[0]} exited before ready`);
	return { child, lines, ready: first.value };
}

/** [bytesIn, bytesOut, packetsIn, packetsOut] of IF_A from netlink (ip -s -j link). */
function kernel(): number[] {
	const [link] = JSON.parse(sh("ip", "-n", NS_A, "-s", "-j", "link", "show", IF_A)) as { stats64: { rx: { bytes: number; packets: number }; tx: { bytes: number; packets: number } } }[];
	const s = link.stats64;
	return [s.rx.bytes, s.tx.bytes, s.rx.packets, s.tx.packets];
}

const minus = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);

let client: Awaited<ReturnType<typeof peer>>;
let clientPort: number;

beforeAll(async () => {
	for (const ns of [NS_A, NS_B]) {
		sh("ip", "netns", "add", ns);
		sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
	}
	sh("ip", "link", "add", IF_A, "netns", NS_A, "type", "veth", "peer", "name", IF_B, "netns", NS_B);
	sh("ip", "-n", NS_A, "addr", "add", "192.0.2.1/24", "dev", IF_A);
	sh("ip", "-n", NS_B, "addr", "add", "192.0.2.2/24", "dev", IF_B);
	sh("ip", "-n", NS_A, "link", "set", IF_A, "up");
	sh("ip", "-n", NS_B, "link", "set", IF_B, "up");
	const server = await peer(NS_B, "server", "192.0.2.2", String(SERVER_PORT));
	expect(server.ready).toBe("ready");
	client = await peer(NS_A, "client", "192.0.2.2", String(SERVER_PORT), String(CLIENT_TCP), String(CLIENT_UDP));
	clientPort = Number(client.ready.split(" ")[1]);
});

afterAll(() => {
	for (const c of children) c.kill();
	for (const ns of [NS_A, NS_B]) {
		try {
			sh("ip", "netns", "del", ns);
		} catch {
			// not created
		}
	}
});

async function exchange(bytes: number): Promise<void> {
	client.child.stdin.write(`send ${bytes}\n`);
	const line = await client.lines.next();
	expect(line.value).toBe(`done ${bytes}`);
}

describe("LinuxNetDriver on a veth pair in namespaces the test created", () => {
	const driver = () => new LinuxNetDriver({ procNet: `/proc/${client.child.pid}/net`, interfaces: [IF_A], addressInterfaces: () => new Map([["192.0.2.1", IF_A]]) });

	it("counts what the kernel counted on the interface, bracketed by netlink readings", async () => {
		const before = kernel();
		const d = driver();
		const afterBaseline = kernel();
		const out = new Float64Array(4);
		d.read(out);
		expect([...out]).toEqual([0, 0, 0, 0]);
		for (const [round, bytes] of [100_000, 250_000].entries()) {
			await exchange(bytes);
			const low = minus(kernel(), afterBaseline);
			d.read(out);
			const high = minus(kernel(), before);
			for (let i = 0; i < 4; i++) {
				expect(out[i], `counter ${i} round ${round}`).toBeGreaterThanOrEqual(low[i]);
				expect(out[i], `counter ${i} round ${round}`).toBeLessThanOrEqual(high[i]);
			}
		}
		// the traffic itself: 350 kB each way (veth passes GSO super-frames: packets are far fewer than 350 kB / MTU)
		expect(out[0]).toBeGreaterThan(350_000);
		expect(out[1]).toBeGreaterThan(350_000);
		expect(out[2]).toBeGreaterThanOrEqual(2);
		expect(out[3]).toBeGreaterThanOrEqual(2);
		console.log(`driver ${[...out].join(" ")}; netlink ${minus(kernel(), before).join(" ")}`);
	});

	it("lists the namespace's listener, UDP socket and established connection, and nothing of the other namespace", () => {
		const d = driver();
		expect(d.listeningTcpPorts()).toEqual([{ port: CLIENT_TCP }]);
		expect(d.listeningUdpPorts()).toEqual([{ port: CLIENT_UDP }]);
		expect(d.establishedConnections()).toEqual([{ remoteAddr: `192.0.2.2:${SERVER_PORT}`, localPort: clientPort, localInterface: IF_A }]);
	});
});

describe("LinuxNetDriver on the test's own loopback (IPv6)", () => {
	it("lists a TCP listener, a UDP socket and an established connection the test opened on ::1", async () => {
		const server: Server = createServer((s) => s.resume()).listen(0, "::1");
		await once(server, "listening");
		const udp = createSocket("udp6");
		udp.bind(0, "::1");
		await once(udp, "listening");
		const socket: Socket = connect({ host: "::1", port: (server.address() as { port: number }).port });
		await once(socket, "connect");
		try {
			const d = new LinuxNetDriver({ interfaces: ["lo"] });
			const port = (server.address() as { port: number }).port;
			expect(d.listeningTcpPorts()).toContainEqual({ port, interface: "lo" });
			expect(d.listeningUdpPorts()).toContainEqual({ port: udp.address().port, interface: "lo" });
			const connections = d.establishedConnections();
			expect(connections).toContainEqual({ remoteAddr: `[::1]:${port}`, localPort: socket.localPort, localInterface: "lo" });
			expect(connections).toContainEqual({ remoteAddr: `[::1]:${socket.localPort}`, localPort: port, localInterface: "lo" });
		} finally {
			socket.destroy();
			udp.close();
			server.close();
		}
	});
});
