/*
 * Host transport and driver on loopback: plain TCP (insecure) counts exactly the MQTT bytes; TLS
 * sends SNI and ALPN and counts wire bytes below TLS; missing TLS material is a config error; the
 * driver lists listening TCP/UDP servers and restarts its counters with a new generation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as netServer } from "node:net";
import type { Server } from "node:net";
import { createServer as tlsServer } from "node:tls";
import { createSocket } from "node:dgram";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";
import { makeTestPki } from "../helpers/certs";
import type { TestPki } from "../helpers/certs";
import { makeDevice, waitFor } from "../helpers/mqtt-interop";
import { hostTransport, openHostTransport, TransportConfigError } from "../../hardware/host/transport";
import { HostNetDriver } from "../../hardware/host/netdriver";
import { packetsFor } from "../../hardware/host/counting";
import { realClock } from "../../hardware/host/clock";
import { BYTES_IN, BYTES_OUT, PACKETS_IN, PACKETS_OUT } from "../../modules/netdriver/netdriver";

let dir: string;
let pki: TestPki;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "mqtt-host-"));
	pki = makeTestPki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listen(server: Server): Promise<number> {
	return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

describe("host transport", () => {
	it("refuses to build a TLS transport without CA, certificate and key", () => {
		expect(() => hostTransport({ host: "127.0.0.1", port: 1 })).toThrow(TransportConfigError);
		expect(() => hostTransport({ host: "127.0.0.1", port: 1, ca: "x", cert: "y" })).toThrow(/ca, cert and key/);
	});

	it("over plain TCP (insecure) counts exactly the MQTT bytes", async () => {
		const broker = await Aedes.createBroker();
		const server = netServer(broker.handle);
		const port = await listen(server);
		const driver = new HostNetDriver({ generation: 7 });
		const { client } = makeDevice(hostTransport({ host: "127.0.0.1", port, insecure: true, driver }));
		client.start();
		await waitFor("connected", () => client.connected);
		expect(client.publish("a/b", new Uint8Array(2000), 0)).toBe(0);
		await waitFor("all written", () => driver.read(new Float64Array(4)) === 7 && client.stats.bytesOut > 2000);
		const c = new Float64Array(4);
		await waitFor("counted", () => (driver.read(c), c[BYTES_OUT] === client.stats.bytesOut));
		expect(c[BYTES_IN]).toBe(client.stats.bytesIn);
		expect(c[PACKETS_OUT]).toBeGreaterThanOrEqual(packetsFor(2000));
		expect(c[PACKETS_IN]).toBeGreaterThanOrEqual(1);
		client.stop();
		driver.restart();
		expect(driver.read(c)).toBe(8);
		expect(Array.from(c)).toEqual([0, 0, 0, 0]);
		await new Promise<void>((r) => server.close(() => r()));
		await new Promise<void>((r) => broker.close(() => r()));
	});

	it("sends SNI and ALPN, verifies the server, and counts wire bytes under TLS", async () => {
		const seen: { servername: unknown; alpn: unknown; authorized: boolean }[] = [];
		const server = tlsServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, ALPNProtocols: ["x-amzn-mqtt-ca"] }, (s) => {
			seen.push({ servername: s.servername, alpn: s.alpnProtocol, authorized: s.authorized });
			s.on("data", (d) => s.write(d));
		});
		const port = await listen(server);
		const driver = new HostNetDriver();
		const c = pki.clients.MyDevice;
		let got = 0;
		let opened = false;
		const t = openHostTransport({ onOpen: () => (opened = true), onData: (b) => (got += b.length), onWritable: () => undefined, onClose: () => undefined, onError: () => undefined },
			{ host: "127.0.0.1", port, servername: "localhost", alpn: ["x-amzn-mqtt-ca"], ca: pki.ca.cert, cert: c.cert, key: c.key, driver });
		await waitFor("open", () => opened);
		expect(t.write(new Uint8Array(100))).toBe(100);
		await waitFor("echo", () => got === 100);
		expect(seen).toEqual([{ servername: "localhost", alpn: "x-amzn-mqtt-ca", authorized: true }]);
		const w = new Float64Array(4);
		driver.read(w);
		expect(w[BYTES_OUT]).toBeGreaterThan(100 + 1000);
		expect(w[BYTES_IN]).toBeGreaterThan(100 + 1000);
		t.close();
		t.close();
		expect(t.write(new Uint8Array(1))).toBe(-1);
		await new Promise<void>((r) => server.close(() => r()));
	});

	it("reports a refused connection as an error with its code", async () => {
		const server = netServer();
		const port = await listen(server);
		await new Promise<void>((r) => server.close(() => r()));
		let reason = "";
		openHostTransport({ onOpen: () => undefined, onData: () => undefined, onWritable: () => undefined, onClose: () => undefined, onError: (r) => (reason = r) }, { host: "127.0.0.1", port, insecure: true });
		await waitFor("error", () => reason !== "");
		expect(reason).toMatch(/^ECONNREFUSED: /);
	});
});

describe("host driver registry", () => {
	it("lists the TCP and UDP servers it tracks until they close", async () => {
		const driver = new HostNetDriver();
		const tcp = netServer();
		driver.trackServer(tcp, "tcp");
		const port = await listen(tcp);
		const udp = createSocket("udp4");
		driver.trackServer(udp, "udp");
		await new Promise<void>((r) => udp.bind(0, "127.0.0.1", () => r()));
		const release = driver.addListener("tcp", 9);
		expect(driver.listeningTcpPorts()).toEqual([{ port, interface: "lo" }, { port: 9, interface: "lo" }]);
		expect(driver.listeningUdpPorts()).toEqual([{ port: udp.address().port, interface: "lo" }]);
		release();
		await new Promise<void>((r) => tcp.close(() => r()));
		await new Promise<void>((r) => udp.close(() => r()));
		expect(driver.listeningTcpPorts()).toEqual([]);
		expect(driver.listeningUdpPorts()).toEqual([]);
	});

	it("gives a real clock whose timers fire and can be cleared", async () => {
		const clock = realClock();
		let fired = 0;
		const h = clock.set(() => fired++, 1);
		clock.clear(clock.set(() => (fired += 10), 1));
		clock.clear(undefined);
		await waitFor("timer", () => fired === 1);
		clock.clear(h);
		expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
		expect(clock.ticks()).toBeGreaterThan(0);
	});
});
