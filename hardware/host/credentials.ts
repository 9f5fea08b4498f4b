/*
 * credentials — the host device's TLS files checked once at start, so a garbage certificate or key,
 * or a key that is not the certificate's, stops start-up with one clear message instead of a
 * connection that fails and is retried for ever. PEM or DER are accepted, as node:tls does.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";

export class CredentialsError extends Error {
	readonly code = "BadCredentials";
	constructor(message: string) {
		super(`BadCredentials: ${message}`);
		this.name = "CredentialsError";
	}
}

export interface CredentialFiles {
	ca: string | Buffer;
	cert: string | Buffer;
	key: string | Buffer;
}

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

function certificate(data: string | Buffer, what: string): X509Certificate {
	try {
		return new X509Certificate(data);
	} catch (error) {
		throw new CredentialsError(`the ${what} is not a PEM or DER X.509 certificate (${firstLine(error)})`);
	}
}

function privateKey(data: string | Buffer): KeyObject {
	try {
		return createPrivateKey(data);
	} catch (error) {
		throw new CredentialsError(`the private key is not a PEM or DER private key (${firstLine(error)})`);
	}
}

/** Throws CredentialsError for the first thing wrong: an unreadable CA, certificate or key, or a key that does not match the certificate. */
export function checkCredentials(files: CredentialFiles, now = Date.now()): void {
	certificate(files.ca, "CA certificate");
	const cert = certificate(files.cert, "device certificate");
	const key = privateKey(files.key);
	if (!cert.checkPrivateKey(key)) throw new CredentialsError(`the private key does not match the device certificate (${cert.subject.replace(/\n/g, ", ")})`);
	if (Date.parse(cert.validTo) < now) throw new CredentialsError(`the device certificate expired on ${new Date(cert.validTo).toISOString()}`);
}
