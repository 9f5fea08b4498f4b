/*
 * `npm run cloud -- moddable-files`: the certificate and key of the API's CreateKeysAndCertificate become the
 * DER files a Moddable build takes (device.der, private-key.der as PKCS#8, ca.der); a key that is not the
 * certificate's, or not a PEM, is refused with one line and nothing written.
 */
import { CreateKeysAndCertificateCommand } from "@aws-sdk/client-iot";
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { runCli, type CliResult } from "../helpers/cli-cloud";

let fixture: ApiFixture | undefined;
afterEach(async () => {
	await fixture?.cleanup();
	fixture = undefined;
});

const cli = (...args: string[]): Promise<CliResult> => runCli({}, ...args);

describe("moddable-files from an API certificate", () => {
	it("writes DER certificate, PKCS#8 DER key and DER CA that match, and refuses a foreign key", async () => {
		const f = (fixture = await startApiCloud());
		const created = await f.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
		const certPem = join(f.dir, "api.cert.pem");
		const keyPem = join(f.dir, "api.key.pem");
		writeFileSync(certPem, created.certificatePem ?? "");
		writeFileSync(keyPem, created.keyPair?.PrivateKey ?? "");
		const out = join(f.dir, "moddable");
		const r = await cli("moddable-files", "--cert", certPem, "--key", keyPem, "--pki", join(f.dir, "pki"), "--out", out);
		expect(r).toMatchObject({ code: 0, err: "" });
		const cert = new X509Certificate(readFileSync(join(out, "device.der")));
		expect(cert.fingerprint256).toBe(new X509Certificate(readFileSync(certPem)).fingerprint256);
		const key = createPrivateKey({ key: readFileSync(join(out, "private-key.der")), format: "der", type: "pkcs8" });
		expect(cert.checkPrivateKey(key)).toBe(true);
		const ca = new X509Certificate(readFileSync(join(out, "ca.der")));
		expect(cert.verify(ca.publicKey)).toBe(true);

		const foreign = join(f.dir, "foreign.key.pem");
		writeFileSync(foreign, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }));
		const other = join(f.dir, "other");
		const refused = await cli("moddable-files", "--cert", certPem, "--key", foreign, "--pki", join(f.dir, "pki"), "--out", other);
		expect(refused.code).toBe(1);
		expect(refused.err).toBe(`error: private key ${foreign} does not belong to certificate ${certPem}\n`);
		expect(existsSync(other)).toBe(false);
		const notPem = await cli("moddable-files", "--cert", keyPem, "--key", keyPem, "--pki", join(f.dir, "pki"), "--out", other);
		expect(notPem.err).toMatch(/^error: certificate .* is not a PEM certificate: /);
		expect(notPem.err.trim().split("\n")).toHaveLength(1);
	}, 300_000);
});
