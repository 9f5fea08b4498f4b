/*
 * MQTT 5 on the embedded broker (issue 12): aedes speaks MQTT 3.1.1 only, so the packet gate answers an
 * MQTT 5 CONNECT itself with an MQTT 5 CONNACK, reason code 0x84 (Unsupported Protocol Version), closes the
 * connection and logs one line pointing to the mosquitto mode. MQTT 3.1.1 clients are unaffected.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import mqttPacket, { type Packet } from "mqtt-packet";
import { afterEach, describe, expect, it } from "vitest";
import { credentialFiles, publishPacket, rawConnect } from "../helpers/broker-raw";
import { startTestCloud, until, type CloudFixture } from "../helpers/cloud-setup";

let fx: CloudFixture | undefined;
afterEach(async () => {
	await fx?.cleanup();
	fx = undefined;
});

interface Outcome {
	connected: boolean;
	error?: Error & { code?: number };
}

function connectV5(f: CloudFixture, thing: string): Promise<Outcome> {
	const files = f.cloud.issueThingCertificate(thing);
	const client = mqtt.connect({
		host: "127.0.0.1",
		port: f.cloud.port,
		protocol: "mqtts",
		protocolVersion: 5,
		clientId: thing,
		ca: readFileSync(join(f.dir, "pki", "ca.cert.pem")),
		cert: readFileSync(files.certPem),
		key: readFileSync(files.keyPem),
		reconnectPeriod: 0,
		connectTimeout: 10_000,
	});
	return new Promise((resolve) => {
		let error: Outcome["error"];
		client.once("connect", () => {
			client.end(true);
			resolve({ connected: true });
		});
		client.on("error", (e) => (error ??= e as Outcome["error"]));
		client.once("close", () => {
			client.end(true);
			resolve({ connected: false, error });
		});
	});
}

describe("embedded broker and MQTT 5 clients", () => {
	it("refuses an MQTT 5 client with CONNACK reason code 0x84 and logs where MQTT 5 is supported", async () => {
		fx = await startTestCloud();
		const outcome = await connectV5(fx, "thing-v5");
		expect(outcome.connected).toBe(false);
		expect(outcome.error?.code).toBe(0x84);
		expect(outcome.error?.message).toMatch(/Unsupported Protocol Version/i);
		const lines = fx.logs.filter((l) => l.includes("MQTT 5"));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain("mosquitto-conf --plugin");
		expect(lines[0]).toContain("docs/cloud.md");
		expect(fx.logs.filter((l) => /unacceptable protocol version/i.test(l))).toEqual([]);
	});

	it("sends exactly the MQTT 5 CONNACK bytes, then closes; what was pipelined after the CONNECT goes nowhere", async () => {
		fx = await startTestCloud();
		const f = fx;
		const raw = await rawConnect(f.cloud.port, credentialFiles(f.cloud.issueThingCertificate("thing-raw5")));
		const received: Buffer[] = [];
		raw.socket.on("data", (d: Buffer) => received.push(d));
		const connect = mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clean: true, clientId: "thing-raw5", keepalive: 60 } as Packet);
		raw.write(Buffer.concat([connect, publishPacket("$aws/things/thing-raw5/x", "after", 1)]));
		await raw.closed;
		expect(Buffer.concat(received)).toEqual(Buffer.from([0x20, 0x03, 0x00, 0x84, 0x00]));
		await until(() => f.logs.some((l) => l.includes("MQTT 5")), "the log line");
		expect(f.logs.filter((l) => l.includes("thing-raw5"))).toEqual([]);
	});

	it("still accepts MQTT 3.1.1 clients, beside a refused MQTT 5 client", async () => {
		fx = await startTestCloud();
		await connectV5(fx, "thing-v5");
		const client = await fx.connect("thing-311");
		expect(client.options.protocolVersion).toBe(4);
		expect(client.connected).toBe(true);
		expect(fx.logs.filter((l) => l.includes("thing-311") && l.includes("closed"))).toEqual([]);
	});
});
