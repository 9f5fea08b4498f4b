/*
 * store-keys — the API's access keys (SigV4 credentials) in the cloud's database: AKIA-style ids and
 * 40-character secrets from the CSPRNG. The first key is created on first use and returned to whoever
 * starts the cloud (startCloud's `api` option, `npm run cloud -- api-key`); secrets stay in the data dir.
 */
import type Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync } from "node:fs";

const SCHEMA = `CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, secret TEXT NOT NULL, created INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1);`;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export interface AccessKey {
	accessKeyId: string;
	secretAccessKey: string;
}

function newKeyId(): string {
	return "AKIA" + [...randomBytes(16)].map((b) => BASE32[b & 31]).join("");
}

function newSecret(): string {
	return randomBytes(30).toString("base64").replace(/\+/g, "/").slice(0, 40);
}

export class AccessKeyStore {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
		// the database now holds secrets: owner-only, like the CA key
		if (!db.memory) for (const f of [db.name, `${db.name}-wal`, `${db.name}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
	}

	/** The oldest key, created now if there is none. */
	first(now: number): AccessKey {
		const row = this.#db.prepare("SELECT id, secret FROM api_keys ORDER BY created, rowid LIMIT 1").get() as { id: string; secret: string } | undefined;
		return row ? { accessKeyId: row.id, secretAccessKey: row.secret } : this.create(now);
	}

	create(now: number): AccessKey {
		const key = { accessKeyId: newKeyId(), secretAccessKey: newSecret() };
		this.#db.prepare("INSERT INTO api_keys (id, secret, created) VALUES (?, ?, ?)").run(key.accessKeyId, key.secretAccessKey, now);
		return key;
	}

	/** The secret of an active key, or undefined. */
	secretOf(accessKeyId: string): string | undefined {
		const row = this.#db.prepare("SELECT secret FROM api_keys WHERE id = ? AND active = 1").get(accessKeyId) as { secret: string } | undefined;
		return row?.secret;
	}
}
