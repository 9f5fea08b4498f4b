/*
 * pki — the local certificate authority: creates the CA, the broker's server certificate and one client
 * certificate per thing (CN = thing name). RSA 2048 keys (Moddable TLS needs RSA client keys), written as
 * PEM for Node and as DER certificate + PKCS#8 DER key for Moddable, plus the CA in DER.
 * Keys come from node:crypto (fast, native); certificates are built and signed with node-forge.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import forge from "node-forge";
import { CloudError, ErrorCodes } from "./errors";
import { checkThingName } from "./thing-name";

export interface CaFiles {
	certPem: string;
	keyPem: string;
	certDer: string;
}

export interface ThingFiles {
	thingName: string;
	certPem: string;
	keyPem: string;
	certDer: string;
	keyDer: string;
	caPem: string;
	caDer: string;
}

export interface ServerFiles {
	certPem: string;
	keyPem: string;
	caPem: string;
}

const DAY_MS = 86_400_000;

/** CN of the cloud's own Detect client on an external broker; no thing may take this name. */
export const DETECT_CLIENT_CN = "defender-detect";

function caPaths(dir: string): CaFiles {
	return { certPem: join(dir, "ca.cert.pem"), keyPem: join(dir, "ca.key.pem"), certDer: join(dir, "ca.cert.der") };
}

function newKeyPair(): { privatePem: string; publicKey: forge.pki.PublicKey; pkcs8Der: Buffer } {
	const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
	const privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
	const pkcs8Der = pair.privateKey.export({ type: "pkcs8", format: "der" });
	const publicKey = forge.pki.publicKeyFromPem(pair.publicKey.export({ type: "spki", format: "pem" }).toString());
	return { privatePem, publicKey, pkcs8Der };
}

function newCertificate(publicKey: forge.pki.PublicKey, commonName: string, years: number): forge.pki.Certificate {
	const cert = forge.pki.createCertificate();
	cert.publicKey = publicKey;
	cert.serialNumber = "01" + randomBytes(15).toString("hex");
	cert.validity.notBefore = new Date(Date.now() - DAY_MS);
	cert.validity.notAfter = new Date(Date.now() + years * 365 * DAY_MS);
	cert.setSubject([{ name: "commonName", value: commonName }]);
	return cert;
}

function derOf(cert: forge.pki.Certificate): Buffer {
	return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
}

/** Creates the CA in `dir` unless it exists; returns its file paths. */
export function ensureCa(dir: string): CaFiles {
	const paths = caPaths(dir);
	if (existsSync(paths.certPem) && existsSync(paths.keyPem)) return paths;
	mkdirSync(dir, { recursive: true });
	const keys = newKeyPair();
	const cert = newCertificate(keys.publicKey, "Device Defender Local CA", 10);
	cert.setIssuer(cert.subject.attributes);
	cert.setExtensions([
		{ name: "basicConstraints", cA: true, critical: true },
		{ name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
		{ name: "subjectKeyIdentifier" },
		// Moddable's TLS matches a chain's CA to the trusted one by this CA's authority key identifier:
		// without it the device's handshake fails ("invalid buffer (in comp)")
		{ name: "authorityKeyIdentifier", keyIdentifier: true },
	]);
	cert.sign(forge.pki.privateKeyFromPem(keys.privatePem), forge.md.sha256.create());
	writeFileSync(paths.keyPem, keys.privatePem, { mode: 0o600 });
	writeFileSync(paths.certPem, forge.pki.certificateToPem(cert));
	writeFileSync(paths.certDer, derOf(cert));
	return paths;
}

interface Ca {
	cert: forge.pki.Certificate;
	key: forge.pki.rsa.PrivateKey;
}

function loadCa(dir: string): Ca {
	const paths = ensureCa(dir);
	return {
		cert: forge.pki.certificateFromPem(readFileSync(paths.certPem, "utf8")),
		key: forge.pki.privateKeyFromPem(readFileSync(paths.keyPem, "utf8")),
	};
}

function signLeaf(ca: Ca, commonName: string, extensions: object[]): { certPem: string; certDer: Buffer; keys: ReturnType<typeof newKeyPair> } {
	const keys = newKeyPair();
	const cert = newCertificate(keys.publicKey, commonName, 5);
	cert.setIssuer(ca.cert.subject.attributes);
	const authority = ca.cert.generateSubjectKeyIdentifier().getBytes();
	cert.setExtensions([{ name: "basicConstraints", cA: false }, { name: "authorityKeyIdentifier", keyIdentifier: authority }, ...extensions]);
	cert.sign(ca.key, forge.md.sha256.create());
	return { certPem: forge.pki.certificateToPem(cert), certDer: derOf(cert), keys };
}

/**
 * The broker's certificate, with `sans` (DNS names and IPs, see server-sans.ts) as subjectAltNames. Without
 * `sans` an existing certificate is kept (created for localhost/127.0.0.1 if none); with them it is re-issued
 * from the CA whenever the set differs from the one it was issued for (recorded in server.sans.json).
 */
export function ensureServerCertificate(dir: string, sans?: readonly string[]): ServerFiles {
	const files = { certPem: join(dir, "server.cert.pem"), keyPem: join(dir, "server.key.pem"), caPem: caPaths(dir).certPem };
	const record = join(dir, "server.sans.json");
	const want = JSON.stringify(sans ?? ["127.0.0.1", "localhost"]);
	const exists = existsSync(files.certPem) && existsSync(files.keyPem);
	if (exists && (sans === undefined || (existsSync(record) && readFileSync(record, "utf8") === want))) return files;
	const altNames = (JSON.parse(want) as string[]).map((n) => (isIP(n) !== 0 ? { type: 7, ip: n } : { type: 2, value: n }));
	const leaf = signLeaf(loadCa(dir), "localhost", [
		{ name: "keyUsage", digitalSignature: true, keyEncipherment: true },
		{ name: "extKeyUsage", serverAuth: true },
		{ name: "subjectAltName", altNames },
	]);
	writeFileSync(files.keyPem, leaf.keys.privatePem, { mode: 0o600 });
	writeFileSync(files.certPem, leaf.certPem);
	writeFileSync(record, want);
	return files;
}

/** The Detect client's certificate (CN defender-detect) for an external broker, created once under `dir`. */
/** The Detect client's name: `defender-detect`, or `defender-detect.<node>` for a node of a cluster (docs/cloud.md "PostgreSQL"). */
export function detectClientName(node?: string): string {
	return node === undefined ? DETECT_CLIENT_CN : `${DETECT_CLIENT_CN}.${node}`;
}

export function ensureDetectClientCertificate(dir: string, node?: string): ServerFiles {
	const cn = detectClientName(node);
	const files = { certPem: join(dir, `${cn}.cert.pem`), keyPem: join(dir, `${cn}.key.pem`), caPem: caPaths(dir).certPem };
	if (existsSync(files.certPem) && existsSync(files.keyPem)) return files;
	const leaf = signLeaf(loadCa(dir), cn, [
		{ name: "keyUsage", digitalSignature: true, keyEncipherment: true },
		{ name: "extKeyUsage", clientAuth: true },
	]);
	writeFileSync(files.keyPem, leaf.keys.privatePem, { mode: 0o600 });
	writeFileSync(files.certPem, leaf.certPem);
	return files;
}

/** A client certificate and key for `commonName`, returned and written nowhere (the API's CreateKeysAndCertificate). */
export function createClientCertificate(dir: string, commonName: string): { certPem: string; certDer: Buffer; keyPem: string; publicKeyPem: string } {
	const leaf = signLeaf(loadCa(dir), commonName, [
		{ name: "keyUsage", digitalSignature: true, keyEncipherment: true },
		{ name: "extKeyUsage", clientAuth: true },
	]);
	return { certPem: leaf.certPem, certDer: leaf.certDer, keyPem: leaf.keys.privatePem, publicKeyPem: forge.pki.publicKeyToPem(leaf.keys.publicKey) };
}

/** Issues (or re-issues) a thing's client certificate; CN = thing name. */
export function issueThingCertificate(dir: string, thingName: string): ThingFiles {
	const problem = checkThingName(thingName);
	if (problem) throw new CloudError(ErrorCodes.InvalidRequest, problem);
	if (thingName === DETECT_CLIENT_CN) throw new CloudError(ErrorCodes.InvalidRequest, `thing name "${thingName}" is reserved for the cloud's Detect client`);
	if (!/^[A-Za-z0-9:_-]+$/.test(thingName)) {
		throw new CloudError(ErrorCodes.InvalidRequest, `thing name "${thingName}" must match [a-zA-Z0-9:_-]+ to be used as a file name`);
	}
	const ca = caPaths(dir);
	const leaf = signLeaf(loadCa(dir), thingName, [
		{ name: "keyUsage", digitalSignature: true, keyEncipherment: true },
		{ name: "extKeyUsage", clientAuth: true },
	]);
	const base = join(dir, thingName);
	const files: ThingFiles = {
		thingName,
		certPem: `${base}.cert.pem`,
		keyPem: `${base}.key.pem`,
		certDer: `${base}.cert.der`,
		keyDer: `${base}.key.pk8.der`,
		caPem: ca.certPem,
		caDer: ca.certDer,
	};
	writeFileSync(files.certPem, leaf.certPem);
	writeFileSync(files.keyPem, leaf.keys.privatePem, { mode: 0o600 });
	writeFileSync(files.certDer, leaf.certDer);
	writeFileSync(files.keyDer, leaf.keys.pkcs8Der, { mode: 0o600 });
	return files;
}
