/*
 * The host device checks its TLS files at start: a garbage certificate or key, or a key that is not
 * the certificate's, stops start-up with one clear message (before, the device retried for ever).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCredentials, CredentialsError } from "../../hardware/host/credentials";
import { startDevice } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { makeTestPki } from "../helpers/certs";
import type { TestPki } from "../helpers/certs";

let dir: string;
let pki: TestPki;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "host-credentials-"));
	pki = makeTestPki(join(dir, "pki"), { things: ["MyDevice", "Other"] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function messageOf(files: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer }): string {
	const d = pki.clients.MyDevice;
	try {
		checkCredentials({ ca: pki.ca.cert, cert: d.cert, key: d.key, ...files });
	} catch (e) {
		expect(e).toBeInstanceOf(CredentialsError);
		expect((e as Error).message).not.toContain("\n");
		return (e as Error).message;
	}
	return "accepted";
}

describe("device credentials at start", () => {
	it("accepts a matching certificate and key, as PEM or DER", () => {
		expect(messageOf({})).toBe("accepted");
		expect(messageOf({ cert: pki.clients.MyDevice.certDer })).toBe("accepted");
	});

	it("refuses a garbage certificate, key or CA", () => {
		expect(messageOf({ cert: "not a certificate" })).toMatch(/^BadCredentials: the device certificate is not a PEM or DER X\.509 certificate/);
		expect(messageOf({ key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" })).toMatch(/^BadCredentials: the private key is not a PEM or DER private key/);
		expect(messageOf({ ca: Buffer.from([1, 2, 3]) })).toMatch(/^BadCredentials: the CA certificate is not/);
	});

	it("refuses a key that does not match the certificate", () => {
		expect(messageOf({ key: pki.clients.Other.key })).toMatch(/^BadCredentials: the private key does not match the device certificate \(CN=MyDevice\)/);
	});

	it("startDevice refuses them before connecting", async () => {
		const start = startDevice({ thingName: "MyDevice", host: "127.0.0.1", port: 1, ca: pki.ca.cert, cert: pki.clients.MyDevice.cert, key: pki.clients.Other.key, storePath: join(dir, "s.json"), clock: new VirtualClock() });
		await expect(start).rejects.toThrow(CredentialsError);
	});

	it("npm run device stops at once with the one message (exit 2)", () => {
		const garbage = join(dir, "garbage.pem");
		writeFileSync(garbage, "garbage\n");
		const run = spawnSync(join("node_modules", ".bin", "tsx"), ["hardware/host/run.ts", "--thing", "MyDevice", "--host", "127.0.0.1", "--port", "1", "--ca", pki.ca.certPath, "--cert", garbage, "--key", pki.clients.MyDevice.keyPath, "--store", join(dir, "run.json")], { encoding: "utf8", timeout: 60_000 });
		expect(run.status, run.stderr + run.stdout).toBe(2);
		expect(run.stderr.trim().split("\n")).toHaveLength(1);
		expect(run.stderr).toContain("BadCredentials: the device certificate is not a PEM or DER X.509 certificate");
	});
});
