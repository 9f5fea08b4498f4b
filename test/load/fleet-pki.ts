/*
 * fleet-pki — client certificates for a load test's many things, signed by the cloud's own CA (pkiDir).
 * The cloud's issueThingCertificate makes a fresh RSA 2048 key and signs in JavaScript (~0.1 s a thing);
 * for 1,000 things this issues all certificates over ONE shared RSA 2048 key and signs them natively,
 * about a millisecond each. Each CN is its thing name, so the broker's client id = CN rule holds.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";
import { ensureCa } from "../../cloud/pki";

export interface FleetCredentials {
	ca: string;
	key: string;
	/** PEM certificate per thing name */
	certs: Map<string, string>;
}

const DAY_MS = 86_400_000;

/** A forge message digest that only collects the bytes, so the CA key can sign them natively. */
function collectingDigest(): forge.md.MessageDigest & { bytes: string } {
	const md = { algorithm: "sha256", bytes: "" } as forge.md.MessageDigest & { bytes: string };
	md.update = (msg: string) => {
		md.bytes += msg;
		return md;
	};
	return md;
}

function nativeSigner(caKey: KeyObject): forge.pki.rsa.PrivateKey {
	const signer = {
		sign: (md: forge.md.MessageDigest & { bytes: string }) => sign("sha256", Buffer.from(md.bytes, "binary"), caKey).toString("binary"),
	};
	return signer as unknown as forge.pki.rsa.PrivateKey;
}

/** Things named `${prefix}${i}` for i in [0, count), all under one fresh key. */
export function issueFleet(pkiDir: string, prefix: string, count: number): FleetCredentials {
	const caFiles = ensureCa(pkiDir);
	const caPem = readFileSync(caFiles.certPem, "utf8");
	const caCert = forge.pki.certificateFromPem(caPem);
	const caKey = createPrivateKey(readFileSync(caFiles.keyPem, "utf8"));
	const authority = caCert.generateSubjectKeyIdentifier().getBytes();
	const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
	const publicKey = forge.pki.publicKeyFromPem(pair.publicKey.export({ type: "spki", format: "pem" }).toString());
	const signer = nativeSigner(caKey);
	const certs = new Map<string, string>();
	for (let i = 0; i < count; i++) {
		const thing = `${prefix}${i}`;
		const cert = forge.pki.createCertificate();
		cert.publicKey = publicKey;
		cert.serialNumber = "01" + randomBytes(15).toString("hex");
		cert.validity.notBefore = new Date(Date.now() - DAY_MS);
		cert.validity.notAfter = new Date(Date.now() + DAY_MS);
		cert.setSubject([{ name: "commonName", value: thing }]);
		cert.setIssuer(caCert.subject.attributes);
		cert.setExtensions([
			{ name: "basicConstraints", cA: false },
			{ name: "authorityKeyIdentifier", keyIdentifier: authority },
			{ name: "keyUsage", digitalSignature: true, keyEncipherment: true },
			{ name: "extKeyUsage", clientAuth: true },
		]);
		cert.sign(signer, collectingDigest());
		certs.set(thing, forge.pki.certificateToPem(cert));
	}
	return { ca: caPem, key: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), certs };
}

export function caPemPath(pkiDir: string): string {
	return join(pkiDir, "ca.cert.pem");
}
