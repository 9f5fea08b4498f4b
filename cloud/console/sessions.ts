/*
 * sessions — console login sessions in the cloud's database: a 256-bit random token goes to the browser
 * (HttpOnly cookie), only its SHA-256 is stored, with the access key it was opened with, a CSRF token,
 * and creation/expiry times (wall clock). A session also ends when its access key is no longer active.
 */
import type Database from "better-sqlite3";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const SCHEMA = `CREATE TABLE IF NOT EXISTS console_sessions (hash TEXT PRIMARY KEY, key_id TEXT NOT NULL, csrf TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);`;

export interface Session {
	/** SHA-256 of the token (hex): the session's id on the server */
	id: string;
	accessKeyId: string;
	csrfToken: string;
	created: number;
	expiresAt: number;
}

interface Row {
	hash: string;
	key_id: string;
	csrf: string;
	created: number;
	expires: number;
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** Constant-time string comparison (compares digests, so lengths do not leak). */
export function sameSecret(a: string, b: string): boolean {
	return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export class SessionStore {
	readonly #db: Database.Database;
	readonly #ttlMs: number;
	readonly #keyActive: (id: string) => boolean;

	constructor(db: Database.Database, ttlMs: number, keyActive: (id: string) => boolean) {
		this.#db = db;
		this.#ttlMs = ttlMs;
		this.#keyActive = keyActive;
		db.exec(SCHEMA);
	}

	/** Opens a session; returns the cookie token (never stored) and the session. */
	open(accessKeyId: string, now: number): { token: string; session: Session } {
		this.#db.prepare("DELETE FROM console_sessions WHERE expires <= ?").run(now);
		const token = randomBytes(32).toString("base64url");
		const session: Session = { id: sha256(token), accessKeyId, csrfToken: randomBytes(32).toString("base64url"), created: now, expiresAt: now + this.#ttlMs };
		this.#db.prepare("INSERT INTO console_sessions VALUES (?, ?, ?, ?, ?)").run(session.id, accessKeyId, session.csrfToken, now, session.expiresAt);
		return { token, session };
	}

	/** The live session of a cookie token, or undefined (unknown, expired, or its key deactivated). */
	find(token: string | undefined, now: number): Session | undefined {
		if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
		const row = this.#db.prepare("SELECT * FROM console_sessions WHERE hash = ?").get(sha256(token)) as Row | undefined;
		if (!row) return undefined;
		if (row.expires <= now || !this.#keyActive(row.key_id)) {
			this.close(row.hash);
			return undefined;
		}
		return { id: row.hash, accessKeyId: row.key_id, csrfToken: row.csrf, created: row.created, expiresAt: row.expires };
	}

	close(id: string): void {
		this.#db.prepare("DELETE FROM console_sessions WHERE hash = ?").run(id);
	}

	get ttlMs(): number {
		return this.#ttlMs;
	}
}
