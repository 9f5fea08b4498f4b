/*
 * store — the ML model records (status, collection start, progress, the trained model) in the cloud's
 * database, table ml_models, one JSON row per (profile, behavior), so a restart keeps trained models and
 * collection dates instead of starting the 14 days over.
 */
import type Database from "better-sqlite3";
import type { ModelPersistence, ModelRecord } from "./models";

const SCHEMA = "CREATE TABLE IF NOT EXISTS ml_models (key TEXT PRIMARY KEY, json TEXT NOT NULL)";

export class ModelStore implements ModelPersistence {
	readonly #put: Database.Statement;
	readonly #del: Database.Statement;
	readonly #all: Database.Statement;

	constructor(db: Database.Database) {
		db.exec(SCHEMA);
		this.#put = db.prepare("INSERT OR REPLACE INTO ml_models (key, json) VALUES (?, ?)");
		this.#del = db.prepare("DELETE FROM ml_models WHERE key = ?");
		this.#all = db.prepare("SELECT json FROM ml_models");
	}

	save(key: string, r: ModelRecord): void {
		this.#put.run(key, JSON.stringify(r));
	}

	delete(key: string): void {
		this.#del.run(key);
	}

	load(): ModelRecord[] {
		return (this.#all.all() as { json: string }[]).map((row) => JSON.parse(row.json) as ModelRecord);
	}
}
