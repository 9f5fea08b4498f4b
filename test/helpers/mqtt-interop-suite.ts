/*
 * mqtt-interop-suite — the MqttClient interop suite, run against any broker that does mutual TLS on
 * 127.0.0.1 (mosquitto and aedes each have a test file that calls it): publish/subscribe both ways at
 * QoS 0 and 1, broker restart mid-stream (reconnect, resubscribe, queued QoS 1 delivered), and the
 * two refusals (server signed by another CA; no client certificate).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestPki } from "./certs";
import type { TestPki } from "./certs";
import { makeDevice, makePeer, waitFor } from "./mqtt-interop";
import { hostTransport, openHostTransport } from "../../hardware/host/transport";
import { HostNetDriver } from "../../hardware/host/netdriver";
import { BYTES_IN, BYTES_OUT } from "../../modules/netdriver/netdriver";
import { QUEUED, SUCCESS } from "../../modules/mqtt/status";

export interface TestBroker {
	readonly port: number;
	stop(): Promise<void>;
	restart(): Promise<void>;
}

export function interopSuite(name: string, start: (pki: TestPki) => Promise<TestBroker>): void {
	const text = (s: string) => new TextEncoder().encode(s);
	let dir: string;
	let pki: TestPki;
	let other: TestPki;
	let broker: TestBroker;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), `mqtt-${name}-`));
		pki = makeTestPki(join(dir, "pki"), { things: ["MyDevice", "Peer"] });
		other = makeTestPki(join(dir, "other"), { things: ["MyDevice"] });
		broker = await start(pki);
	});

	afterAll(async () => {
		await broker?.stop();
		rmSync(dir, { recursive: true, force: true });
	});

	function tls(driver?: HostNetDriver) {
		const c = pki.clients.MyDevice;
		return hostTransport({ host: "127.0.0.1", port: broker.port, ca: pki.ca.cert, cert: c.cert, key: c.key, driver });
	}

	describe(`${name} interop (mutual TLS)`, () => {
		it("publishes and receives at QoS 0 and 1 both ways, counting wire bytes", async () => {
			const driver = new HostNetDriver();
			const { client, received, acked, subscribed } = makeDevice(tls(driver));
			const { peer, got } = await makePeer(broker.port, pki, "Peer", "dev/out/#");
			client.subscribe("dev/in/#", 1);
			client.start();
			await waitFor("connected", () => client.connected);
			expect(driver.establishedConnections()).toEqual([{ remoteAddr: `127.0.0.1:${broker.port}`, localPort: expect.any(Number), localInterface: "lo" }]);
			await waitFor("SUBACK", () => subscribed.length === 1);
			expect(subscribed).toEqual(["dev/in/# SUCCESS 1"]);
			await peer.publishAsync("dev/in/a", "zero", { qos: 0 });
			await peer.publishAsync("dev/in/b", "one", { qos: 1 });
			await waitFor("two messages in", () => received.length === 2);
			expect(received).toEqual([{ topic: "dev/in/a", text: "zero", qos: 0 }, { topic: "dev/in/b", text: "one", qos: 1 }]);
			expect(client.publish("dev/out/x", text("q0"), 0)).toBe(SUCCESS);
			expect(client.publish("dev/out/y", text("q1"), 1)).toBe(SUCCESS);
			await waitFor("peer got both", () => got.length === 2);
			await waitFor("PUBACK", () => acked.length === 1);
			expect(got.map((g) => g.text).sort()).toEqual(["q0", "q1"]);
			expect(client.stats).toMatchObject({ messagesIn: 2, messagesOut: 2, acked: 1, connects: 1 });
			const wire = new Float64Array(4);
			driver.read(wire);
			expect(wire[BYTES_OUT]).toBeGreaterThan(client.stats.bytesOut + 500);
			expect(wire[BYTES_IN]).toBeGreaterThan(client.stats.bytesIn + 500);
			client.stop();
			await peer.endAsync();
			await waitFor("connection gone", () => driver.establishedConnections().length === 0);
		});

		it("reconnects after a broker restart, resubscribes and delivers queued QoS 1", async () => {
			let allow = true;
			const open = tls();
			const { client, received, states, subscribed } = makeDevice((h) => {
				if (!allow) throw new Error("held back by the test");
				return open(h);
			});
			client.subscribe("dev2/in", 1);
			client.start();
			await waitFor("first SUBACK", () => subscribed.length === 1);
			allow = false;
			await broker.restart();
			await waitFor("link lost", () => !client.connected);
			for (let i = 0; i < 5; i++) expect(client.publish("dev2/out", text(`m${i}`), 1)).toBe(QUEUED);
			const { peer, got } = await makePeer(broker.port, pki, "Peer", "dev2/out");
			allow = true;
			await waitFor("reconnected", () => client.connected);
			await waitFor("queued delivered", () => got.length >= 5);
			expect(got.map((g) => g.text)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
			await waitFor("all acked", () => client.queued === 0);
			await waitFor("SUBACK again", () => subscribed.length === 2);
			await peer.publishAsync("dev2/in", "again", { qos: 1 });
			await waitFor("message after resubscribe", () => received.some((r) => r.text === "again"));
			expect(states).toContain("connected");
			expect(states.some((s) => s.startsWith("waiting TRANSPORT_"))).toBe(true);
			client.stop();
			await peer.endAsync();
		});

		it("refuses a server whose certificate is not from the configured CA", async () => {
			const c = pki.clients.MyDevice;
			const { client, states } = makeDevice(hostTransport({ host: "127.0.0.1", port: broker.port, ca: other.ca.cert, cert: c.cert, key: c.key }));
			client.start();
			await waitFor("refusal", () => client.state === "waiting");
			const reason = client.reason;
			client.stop();
			expect(reason).toMatch(/^TRANSPORT_ERROR: server certificate not signed by the configured CA \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
			expect(states).not.toContain("connected");
		});

		it("is refused by the broker without a client certificate", async () => {
			const { client } = makeDevice((h) => openHostTransport(h, { host: "127.0.0.1", port: broker.port, ca: pki.ca.cert }));
			client.start();
			await waitFor("refusal", () => client.state === "waiting");
			const reason = client.reason;
			client.stop();
			expect(reason).toMatch(/^TRANSPORT_(ERROR|CLOSED)/);
			expect(client.stats.connects).toBe(0);
		});
	});
}
