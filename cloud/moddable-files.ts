/*
 * moddable-files — what a Moddable build takes from a certificate made elsewhere (the API's
 * CreateKeysAndCertificate, the aws CLI): the device certificate as DER (`device.der`), its RSA key as
 * PKCS#8 DER (`private-key.der`) and the broker's CA as DER (`ca.der`), checked before anything is written.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface ModdableFiles {
	certDer: string;
	keyDer: string;
	caDer: string;
}

function readPem<T>(file: string, what: string, parse: (pem: string) => T): T {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch (e) {
		throw new Error(`${what} ${file}: ${(e as Error).message}`);
	}
	try {
		return parse(text);
	} catch (e) {
		throw new Error(`${what} ${file} is not a PEM ${what}: ${(e as Error).message}`);
	}
}

/** Converts and writes the three files into `outDir`; refuses a key that is not RSA or does not match the certificate. */
export function writeModdableFiles(o: { cert: string; key: string; ca: string; outDir: string }): ModdableFiles {
	const cert = readPem(o.cert, "certificate", (pem) => new X509Certificate(pem));
	const key = readPem(o.key, "private key", (pem) => createPrivateKey(pem));
	const ca = readPem(o.ca, "CA certificate", (pem) => new X509Certificate(pem));
	if (key.asymmetricKeyType !== "rsa") throw new Error(`private key ${o.key} is ${key.asymmetricKeyType ?? "not asymmetric"}: Moddable's TLS takes RSA client keys only`);
	if (!cert.checkPrivateKey(key)) throw new Error(`private key ${o.key} does not belong to certificate ${o.cert}`);
	const out = resolve(o.outDir);
	mkdirSync(out, { recursive: true });
	const files = { certDer: join(out, "device.der"), keyDer: join(out, "private-key.der"), caDer: join(out, "ca.der") };
	writeFileSync(files.certDer, cert.raw);
	writeFileSync(files.keyDer, key.export({ type: "pkcs8", format: "der" }), { mode: 0o600 });
	writeFileSync(files.caDer, ca.raw);
	return files;
}
