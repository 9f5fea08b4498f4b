/*
 * The host TLS transport names what is wrong with the server's certificate (expired, not yet valid,
 * not signed by the configured CA, issued for another name) instead of a bare "socket hang up".
 * The certificates are made here with node-forge (an expired one cannot be made with openssl req).
 */
import { generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer } from "node:tls";
import type { Server } from "node:tls";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostTransport } from "../../hardware/host/transport";
import { HostNetDriver } from "../../hardware/host/netdriver";

interface Issued {
	cert: string;
	key: string;
}

const DAY = 86_400_000;

function keyPair(): { pem: string; forge: forge.pki.rsa.KeyPair } {
	const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
	const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
	const priv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
	return { pem, forge: { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) } };
}

let serial = 1;
function issue(cn: string, notBefore: number, notAfter: number, issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, altIp?: string): Issued & { forgeCert: forge.pki.Certificate; forgeKey: forge.pki.rsa.PrivateKey } {
	const keys = keyPair();
	const cert = forge.pki.createCertificate();
	cert.publicKey = keys.forge.publicKey;
	cert.serialNumber = (serial++).toString(16).padStart(2, "0");
	cert.validity.notBefore = new Date(notBefore);
	cert.validity.notAfter = new Date(notAfter);
	const subject = [{ name: "commonName", value: cn }];
	cert.setSubject(subject);
	cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
	cert.setExtensions(issuer ? [{ name: "basicConstraints", cA: false }, { name: "subjectAltName", altNames: [{ type: 7, ip: altIp ?? "127.0.0.1" }] }] : [{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }]);
	cert.sign(issuer ? issuer.key : keys.forge.privateKey, forge.md.sha256.create());
	return { cert: forge.pki.certificateToPem(cert), key: keys.pem, forgeCert: cert, forgeKey: keys.forge.privateKey };
}

const now = Date.now();
let ca: ReturnType<typeof issue>;
let client: Issued;
const servers: Server[] = [];

beforeAll(() => {
	ca = issue("Test CA", now - DAY, now + 30 * DAY);
	client = issue("MyDevice", now - DAY, now + 30 * DAY, { cert: ca.forgeCert, key: ca.forgeKey });
});
afterAll(() => {
	for (const s of servers) s.close();
});

async function serve(server: Issued, checkClient = false): Promise<number> {
	const s = createServer({ cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: checkClient, maxVersion: "TLSv1.2" }, (socket) => socket.on("error", () => {}));
	s.on("tlsClientError", () => {});
	servers.push(s);
	await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
	return (s.address() as AddressInfo).port;
}

/** Connects once through the host transport (counting driver under TLS, as the device runs) and returns the first error reported. */
async function firstError(port: number, device: Issued = client): Promise<string> {
	const open = hostTransport({ host: "127.0.0.1", port, ca: ca.cert, cert: device.cert, key: device.key, driver: new HostNetDriver() });
	return new Promise((resolve, reject) => {
		const t = open({
			onOpen: () => reject(new Error("TLS handshake succeeded")),
			onData: () => {},
			onWritable: () => {},
			onClose: () => resolve("closed without an error"),
			onError: (reason) => resolve(reason),
		});
		setTimeout(() => {
			t.close();
			resolve("no answer");
		}, 10_000).unref();
	});
}

describe("server certificate problems are named", () => {
	it("an expired server certificate", async () => {
		const port = await serve(issue("127.0.0.1", now - 60 * DAY, now - DAY, { cert: ca.forgeCert, key: ca.forgeKey }));
		const reason = await firstError(port);
		expect(reason).toContain("server certificate expired");
		expect(reason).not.toContain("socket hang up");
	});

	it("a server certificate not yet valid", async () => {
		const port = await serve(issue("127.0.0.1", now + DAY, now + 60 * DAY, { cert: ca.forgeCert, key: ca.forgeKey }));
		expect(await firstError(port)).toContain("server certificate not yet valid");
	});

	it("a server certificate from a foreign CA", async () => {
		const foreign = issue("Foreign CA", now - DAY, now + 30 * DAY);
		const port = await serve(issue("127.0.0.1", now - DAY, now + 30 * DAY, { cert: foreign.forgeCert, key: foreign.forgeKey }));
		const reason = await firstError(port);
		expect(reason).toContain("server certificate not signed by the configured CA");
		expect(reason).not.toContain("socket hang up");
	});

	it("a server certificate for another name", async () => {
		const port = await serve(issue("other", now - DAY, now + 30 * DAY, { cert: ca.forgeCert, key: ca.forgeKey }, "10.9.8.7"));
		expect(await firstError(port)).toContain("server certificate not issued for 127.0.0.1");
	});

	it("a device certificate the broker refuses is named, not a bare socket hang up", async () => {
		const port = await serve(issue("127.0.0.1", now - DAY, now + 30 * DAY, { cert: ca.forgeCert, key: ca.forgeKey }), true);
		const foreign = issue("Foreign CA", now - DAY, now + 30 * DAY);
		const stranger = issue("MyDevice", now - DAY, now + 30 * DAY, { cert: foreign.forgeCert, key: foreign.forgeKey });
		const reason = await firstError(port, stranger);
		expect(reason).toContain("the broker ended the TLS handshake: it refused the device certificate");
	});
});
