/*
 * store-certs — certificates the API knows (id, ARN, status, PEM, creation time) and the things each is
 * attached to as a principal. It is also the embedded broker's CertificateIdentity (cloud/broker/identity.ts):
 * the broker asks status() and attached() at CONNECT, and a status change is announced to onStatusChange
 * listeners (startCloud disconnects a certificate that is no longer ACTIVE).
 */
import type Database from "better-sqlite3";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_certificates (id TEXT PRIMARY KEY, status TEXT NOT NULL, pem TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_principals (cert TEXT NOT NULL, thing TEXT NOT NULL, PRIMARY KEY (cert, thing));
`;

export type CertificateStatus = "ACTIVE" | "INACTIVE" | "REVOKED" | "PENDING_TRANSFER" | "REGISTER_INACTIVE" | "PENDING_ACTIVATION";

export interface CertificateRecord {
	certificateId: string;
	status: CertificateStatus;
	certificatePem: string;
	/** epoch ms */
	created: number;
	modified: number;
}

interface Row {
	id: string;
	status: CertificateStatus;
	pem: string;
	created: number;
	modified: number;
}

const recordOf = (r: Row): CertificateRecord => ({ certificateId: r.id, status: r.status, certificatePem: r.pem, created: r.created, modified: r.modified });

export class CertificateStore {
	readonly #db: Database.Database;
	readonly #listeners: ((id: string, status: CertificateStatus) => void)[] = [];

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	add(id: string, pem: string, status: CertificateStatus, now: number): CertificateRecord {
		this.#db.prepare("INSERT INTO api_certificates VALUES (?, ?, ?, ?, ?)").run(id, status, pem, now, now);
		return { certificateId: id, status, certificatePem: pem, created: now, modified: now };
	}

	get(id: string): CertificateRecord | undefined {
		const row = this.#db.prepare("SELECT * FROM api_certificates WHERE id = ?").get(id) as Row | undefined;
		return row && recordOf(row);
	}

	list(): CertificateRecord[] {
		return (this.#db.prepare("SELECT * FROM api_certificates ORDER BY created, rowid").all() as Row[]).map(recordOf);
	}

	setStatus(id: string, status: CertificateStatus, now: number): void {
		this.#db.prepare("UPDATE api_certificates SET status = ?, modified = ? WHERE id = ?").run(status, now, id);
		for (const l of this.#listeners) l(id, status);
	}

	/** Called after every setStatus (the new status is stored). */
	onStatusChange(listener: (id: string, status: CertificateStatus) => void): void {
		this.#listeners.push(listener);
	}

	/** The stored status; undefined for a certificate the API does not know (CertificateIdentity). */
	status(id: string): CertificateStatus | undefined {
		const row = this.#db.prepare("SELECT status FROM api_certificates WHERE id = ?").get(id) as { status: CertificateStatus } | undefined;
		return row?.status;
	}

	/** True when the certificate is attached to the thing (CertificateIdentity). */
	attached(id: string, thing: string): boolean {
		return this.#db.prepare("SELECT 1 FROM api_principals WHERE cert = ? AND thing = ?").get(id, thing) !== undefined;
	}

	delete(id: string): void {
		this.#db.prepare("DELETE FROM api_certificates WHERE id = ?").run(id);
	}

	attach(id: string, thing: string): void {
		this.#db.prepare("INSERT OR IGNORE INTO api_principals VALUES (?, ?)").run(id, thing);
	}

	/** Removes one attachment; false when there was none. */
	detach(id: string, thing: string): boolean {
		return this.#db.prepare("DELETE FROM api_principals WHERE cert = ? AND thing = ?").run(id, thing).changes > 0;
	}

	certificatesOf(thing: string): string[] {
		return (this.#db.prepare("SELECT cert FROM api_principals WHERE thing = ? ORDER BY rowid").all(thing) as { cert: string }[]).map((r) => r.cert);
	}

	thingsOf(id: string): string[] {
		return (this.#db.prepare("SELECT thing FROM api_principals WHERE cert = ? ORDER BY thing").all(id) as { thing: string }[]).map((r) => r.thing);
	}

	detachThing(thing: string): void {
		this.#db.prepare("DELETE FROM api_principals WHERE thing = ?").run(thing);
	}
}
