/*
 * definitions-store — the Detect definitions (dimensions, custom metrics) in the cloud's database, one JSON
 * row each, written at once; and `openDefinitions`, the Definitions of a store loaded and persisted there.
 */
import type Database from "better-sqlite3";
import type { CustomMetric } from "./detect/custom-metrics";
import { Definitions, type DefinitionsPersistence } from "./detect/definitions";
import type { Dimension } from "./detect/dimensions";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS dimensions (name TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS custom_metrics (name TEXT PRIMARY KEY, json TEXT NOT NULL);
`;

export class DefinitionsStore implements DefinitionsPersistence {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	saveDimension(d: Dimension): void {
		this.#db.prepare("INSERT OR REPLACE INTO dimensions (name, json) VALUES (?, ?)").run(d.name, JSON.stringify(d));
	}

	deleteDimension(name: string): void {
		this.#db.prepare("DELETE FROM dimensions WHERE name = ?").run(name);
	}

	saveCustomMetric(m: CustomMetric): void {
		this.#db.prepare("INSERT OR REPLACE INTO custom_metrics (name, json) VALUES (?, ?)").run(m.metricName, JSON.stringify(m));
	}

	deleteCustomMetric(name: string): void {
		this.#db.prepare("DELETE FROM custom_metrics WHERE name = ?").run(name);
	}

	load(): { dimensions: Dimension[]; metrics: CustomMetric[] } {
		const rows = (table: string): unknown[] => (this.#db.prepare(`SELECT json FROM ${table}`).all() as { json: string }[]).map((r) => JSON.parse(r.json));
		return { dimensions: rows("dimensions") as Dimension[], metrics: rows("custom_metrics") as CustomMetric[] };
	}
}

/** The definitions saved in `db`, persisted there on every change. */
export function openDefinitions(db: Database.Database, now: () => number): Definitions {
	const store = new DefinitionsStore(db);
	const defs = new Definitions(store, now);
	const saved = store.load();
	defs.restore(saved.dimensions, saved.metrics);
	return defs;
}
