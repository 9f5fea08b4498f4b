/*
 * store-tags — resource tags (TagResource, CreateThingGroup/CreateSecurityProfile `tags`) by resource ARN.
 */
import type Database from "better-sqlite3";

const SCHEMA = `CREATE TABLE IF NOT EXISTS api_tags (arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (arn, key));`;

export interface Tag {
	Key: string;
	Value: string;
}

export class TagStore {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	list(arn: string): Tag[] {
		return (this.#db.prepare("SELECT key, value FROM api_tags WHERE arn = ? ORDER BY key").all(arn) as { key: string; value: string }[]).map((r) => ({ Key: r.key, Value: r.value }));
	}

	put(arn: string, tags: Tag[]): void {
		const insert = this.#db.prepare("INSERT OR REPLACE INTO api_tags VALUES (?, ?, ?)");
		this.#db.transaction(() => {
			for (const t of tags) insert.run(arn, t.Key, t.Value);
		})();
	}

	remove(arn: string, keys: string[]): void {
		const del = this.#db.prepare("DELETE FROM api_tags WHERE arn = ? AND key = ?");
		this.#db.transaction(() => {
			for (const k of keys) del.run(arn, k);
		})();
	}

	drop(arn: string): void {
		this.#db.prepare("DELETE FROM api_tags WHERE arn = ?").run(arn);
	}
}
