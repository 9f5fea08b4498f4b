/*
 * certs — a throw-away PKI for tests: a CA, a server certificate for 127.0.0.1/localhost and one
 * client certificate per thing, all RSA 2048 (what Moddable's TLS can use), made with the openssl
 * CLI. Each client key is also written as PKCS#8 DER and each certificate as DER (Moddable's
 * `clientKey` / `clientCertificates` resources).
 *
 *   const pki = makeTestPki(dir, { things: ["MyDevice"] });
 *   pki.ca.cert, pki.server.certPath, pki.clients.MyDevice.keyDer, ...
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

export interface Credential {
	/** PEM text. */
	cert: string;
	key: string;
	certPath: string;
	keyPath: string;
	/** DER certificate and PKCS#8 DER private key. */
	certDer: Buffer;
	keyDer: Buffer;
}

export interface TestPki {
	dir: string;
	ca: Credential;
	server: Credential;
	clients: Record<string, Credential>;
}

export interface PkiOptions {
	/** Client certificate common names (default ["MyDevice"]). */
	things?: string[];
	/** Common name of the CA (default "Test CA <random>"). */
	caName?: string;
	/** Validity in days (default 30). */
	days?: number;
}

function openssl(args: string[]): void {
	execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function serial(): string {
	return `0x${randomBytes(8).toString("hex")}`;
}

function finish(dir: string, name: string): Credential {
	const certPath = join(dir, `${name}.crt`);
	const keyPath = join(dir, `${name}.key`);
	openssl(["x509", "-in", certPath, "-outform", "DER", "-out", join(dir, `${name}.der`)]);
	openssl(["pkcs8", "-topk8", "-nocrypt", "-in", keyPath, "-outform", "DER", "-out", join(dir, `${name}.key.der`)]);
	return {
		cert: readFileSync(certPath, "utf8"),
		key: readFileSync(keyPath, "utf8"),
		certPath,
		keyPath,
		certDer: readFileSync(join(dir, `${name}.der`)),
		keyDer: readFileSync(join(dir, `${name}.key.der`)),
	};
}

function issue(dir: string, name: string, cn: string, ext: string, days: number): Credential {
	const extPath = join(dir, `${name}.ext`);
	writeFileSync(extPath, ext);
	openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.csr`), "-subj", `/CN=${cn}`]);
	openssl(["x509", "-req", "-in", join(dir, `${name}.csr`), "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"), "-set_serial", serial(), "-days", String(days), "-sha256", "-extfile", extPath, "-out", join(dir, `${name}.crt`)]);
	return finish(dir, name);
}

/** Makes the PKI under `dir` (created if needed). Takes about a second. */
export function makeTestPki(dir: string, options: PkiOptions = {}): TestPki {
	mkdirSync(dir, { recursive: true });
	const days = options.days ?? 30;
	const caName = options.caName ?? `Test CA ${randomBytes(3).toString("hex")}`;
	openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.crt"), "-days", String(days), "-sha256", "-subj", `/CN=${caName}`,
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
	const ca = finish(dir, "ca");
	const server = issue(dir, "server", "127.0.0.1", "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", days);
	const clients: Record<string, Credential> = {};
	for (const thing of options.things ?? ["MyDevice"]) {
		clients[thing] = issue(dir, `client-${thing.replace(/[^A-Za-z0-9_-]/g, "_")}`, thing, "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n", days);
	}
	return { dir, ca, server, clients };
}
