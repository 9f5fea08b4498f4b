/*
 * The cloud broker before authentication: sockets that never finish the TLS handshake (or never send
 * CONNECT) are closed after a timeout, unauthenticated connections per source address are capped, an honest
 * device still connects meanwhile; certificates whose CN is an MQTT wildcard or holds '/' are refused.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { join } from "node:path";
import mqtt from "mqtt";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPacket, credentialFiles, nextPacket, publishPacket, rawConnect, type RawCredential } from "../helpers/broker-raw";
import { startTestCloud, until, type CloudFixture } from "../helpers/cloud-setup";

let f: CloudFixture;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
	f = await startTestCloud({ allowTopics: ["/rogue/agent"], brokerLimits: { handshakeTimeoutMs: 1000, connectTimeoutMs: 1000, maxPreAuthPerAddress: 20 } });
});
afterAll(async () => f.cleanup());

/** A certificate for `cn` signed by the cloud's CA, bypassing issueThingCertificate's name check. */
function forgedCredential(cn: string): RawCredential {
	const pki = join(f.dir, "pki");
	const caCert = forge.pki.certificateFromPem(readFileSync(join(pki, "ca.cert.pem"), "utf8"));
	const caKey = forge.pki.privateKeyFromPem(readFileSync(join(pki, "ca.key.pem"), "utf8"));
	const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey.export({ type: "spki", format: "pem" }).toString());
	cert.serialNumber = "01" + randomBytes(15).toString("hex");
	cert.validity.notBefore = new Date(Date.now() - 86_400_000);
	cert.validity.notAfter = new Date(Date.now() + 86_400_000);
	cert.setSubject([{ name: "commonName", value: cn }]);
	cert.setIssuer(caCert.subject.attributes);
	cert.setExtensions([{ name: "basicConstraints", cA: false }, { name: "extKeyUsage", clientAuth: true }]);
	cert.sign(caKey, forge.md.sha256.create());
	return { ca: readFileSync(join(pki, "ca.cert.pem"), "utf8"), cert: forge.pki.certificateToPem(cert), key: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

describe("handshake exhaustion", () => {
	it("closes 300 silent TCP connections (cap per address, then the handshake timeout) while an honest device connects and publishes", async () => {
		const silent: Socket[] = [];
		let closed = 0;
		for (let i = 0; i < 300; i++) {
			const s = netConnect({ host: "127.0.0.1", port: f.cloud.port });
			s.on("error", () => undefined);
			s.once("close", () => closed++);
			silent.push(s);
		}
		await until(() => closed >= 280, "connections past the per-address cap closed at once", 10_000);
		const files = f.cloud.issueThingCertificate("honest");
		// from another loopback address: the per-address cap of 127.0.0.1 is full
		const options: mqtt.IClientOptions & { localAddress: string } = {
			host: "127.0.0.1",
			port: f.cloud.port,
			protocol: "mqtts",
			localAddress: "127.0.0.2",
			clientId: "honest",
			ca: readFileSync(files.caPem),
			cert: readFileSync(files.certPem),
			key: readFileSync(files.keyPem),
			reconnectPeriod: 0,
			connectTimeout: 10_000,
		};
		const honest = mqtt.connect(options);
		await new Promise<void>((resolve, reject) => {
			honest.once("connect", () => resolve());
			honest.once("error", reject);
		});
		await honest.publishAsync("/rogue/agent", "still here", { qos: 1 });
		expect(f.cloud.metrics("honest")["aws:num-messages-sent"]).toBe(1);
		await until(() => closed === 300, "every silent connection closed by the handshake timeout", 15_000);
		expect(f.logs.some((l) => /broker: 127\.0\.0\.1: 20 connections not yet authenticated \(limit 20\); connection closed/.test(l))).toBe(true);
		expect(f.logs.some((l) => /TLS handshake refused: .*timeout/i.test(l))).toBe(true);
		honest.end(true);
		for (const s of silent) s.destroy();
		// the address is free again
		const after = await rawConnect(f.cloud.port, credentialFiles(f.cloud.issueThingCertificate("after")));
		after.write(connectPacket("after"));
		expect(await nextPacket(after, "connack")).toMatchObject({ returnCode: 0 });
		after.write(publishPacket("/rogue/agent", "x", 1, 2));
		expect(await nextPacket(after, "puback")).toMatchObject({ messageId: 2 });
		after.end();
	});

	it("closes a connection that finishes the TLS handshake but sends no CONNECT", async () => {
		const c = await rawConnect(f.cloud.port, credentialFiles(f.cloud.issueThingCertificate("mute")));
		await Promise.race([c.closed, sleep(8000)]);
		expect(c.isClosed()).toBe(true);
		expect(f.logs.some((l) => /no accepted CONNECT within 1000 ms/.test(l))).toBe(true);
	});
});

describe("thing names that are MQTT wildcards or hold '/'", () => {
	for (const cn of ["+", "#", "a/b", "dev/#"]) {
		it(`refuses a CA-signed certificate with CN ${JSON.stringify(cn)} at CONNECT (CONNACK 5)`, async () => {
			const c = await rawConnect(f.cloud.port, forgedCredential(cn));
			c.write(connectPacket(cn));
			c.write(publishPacket("/rogue/agent", "x"));
			expect(await nextPacket(c, "connack")).toMatchObject({ returnCode: 5 });
			await c.closed;
			expect(f.cloud.metrics(cn)).toMatchObject({ "aws:num-connection-attempts": 0, "aws:num-messages-sent": 0 });
		});
	}
});
