/*
 * The cloud's PKI: what a Moddable device needs from it. Moddable's TLS matches the CA in the
 * server's chain to its trusted CA by the authority key identifier, signs with RSA keys only and
 * reads keys as PKCS#8 DER.
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureCa, ensureServerCertificate, issueThingCertificate } from "../../cloud/pki";

const dir = mkdtempSync(join(tmpdir(), "cloud-pki-"));

function keyIds(pem: string): { ski?: string; aki?: string } {
	const text = execFileSync("openssl", ["x509", "-noout", "-ext", "subjectKeyIdentifier,authorityKeyIdentifier"], { input: pem, encoding: "utf8" });
	const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text)?.[1];
	const aki = /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
	return { ski, aki };
}

describe("cloud PKI", () => {
	const ca = ensureCa(dir);
	const caPem = readFileSync(ca.certPem, "utf8");
	const server = ensureServerCertificate(dir);
	const thing = issueThingCertificate(dir, "MyDevice");

	it("gives the CA an authority key identifier equal to its subject key identifier", () => {
		const ids = keyIds(caPem);
		expect(ids.ski).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){19}$/);
		expect(ids.aki).toBe(ids.ski);
	});

	it("names the CA as authority in the broker's and the thing's certificates, and they verify against it", () => {
		const caSki = keyIds(caPem).ski;
		for (const pem of [readFileSync(server.certPem, "utf8"), readFileSync(thing.certPem, "utf8")]) {
			expect(keyIds(pem).aki).toBe(caSki);
			expect(new X509Certificate(pem).verify(new X509Certificate(caPem).publicKey)).toBe(true);
		}
	});

	it("issues the thing an RSA 2048 key as PKCS#8 DER and its certificate and the CA as DER, for Moddable", () => {
		const key = createPrivateKey({ key: readFileSync(thing.keyDer), format: "der", type: "pkcs8" });
		expect(key.asymmetricKeyType).toBe("rsa");
		expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
		expect(new X509Certificate(readFileSync(thing.certDer)).subject).toBe("CN=MyDevice");
		expect(new X509Certificate(readFileSync(thing.caDer)).fingerprint256).toBe(new X509Certificate(caPem).fingerprint256);
	});
});
