/*
 * Certificate revocation through the Defender plugin: the cloud appends to the revocation list
 * (revocation.ts), the plugin reloads it, disconnects a revoked thing at once and refuses its CONNECTs;
 * a revoked serial revokes that one certificate, not the thing's next one.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeCertificate, revokedEntries } from "../../cloud/broker/revocation";
import { realUntil } from "../helpers/agent-e2e";
import { startPluginBroker, type PluginBroker } from "../helpers/mosquitto-plugin";

let b: PluginBroker;

beforeAll(async () => {
	b = await startPluginBroker();
});

afterAll(async () => {
	await b?.stop();
});

function closed(c: MqttClient): () => boolean {
	let isClosed = false;
	c.on("close", () => (isClosed = true));
	return () => isClosed;
}

describe("revocation through the mosquitto plugin", () => {
	it("a revoked thing is disconnected at once and refused afterwards; other things stay", async () => {
		const bad = await b.client("Compromised");
		const good = await b.client("Healthy");
		const badClosed = closed(bad);
		const goodClosed = closed(good);
		revokeCertificate(b.revokedFile, { thing: "Compromised" });
		await realUntil(badClosed, 10_000, "the revoked thing to be disconnected");
		await expect(b.client("Compromised")).rejects.toThrow(/Not authorized/);
		expect(goodClosed()).toBe(false);
		await good.publishAsync("$aws/things/Healthy/x", "still allowed", { qos: 1 });
		expect(b.mosquitto.output).toContain("defender: Compromised revoked, disconnecting");
		bad.end(true);
		await good.endAsync();
	});

	it("a revoked serial revokes that certificate only", async () => {
		const first = await b.client("Rotated");
		const firstClosed = closed(first);
		const serial = new X509Certificate(readFileSync(join(b.pkiDir, "Rotated.cert.pem"))).serialNumber;
		revokeCertificate(b.revokedFile, { serial });
		await realUntil(firstClosed, 10_000, "the revoked certificate's connection to close");
		first.end(true);
		const second = await b.client("Rotated"); // a new certificate for the same thing
		expect(second.connected).toBe(true);
		await second.endAsync();
		expect(revokedEntries(b.revokedFile)).toEqual(["Compromised", `serial:${serial}`]);
	});

	it("bad entries are refused before they reach the file", () => {
		expect(() => revokeCertificate(b.revokedFile, { thing: "a/b" })).toThrow(/thing name/);
		expect(() => revokeCertificate(b.revokedFile, { serial: "xyz" })).toThrow(/hex digits/);
		expect(revokedEntries(b.revokedFile)).toHaveLength(2);
	});
});
