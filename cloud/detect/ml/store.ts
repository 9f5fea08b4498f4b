/*
 * store — the ML model records (status, collection start, progress, the trained model) in the cloud's
 * database, table ml_models, one JSON row per (profile, behavior), so a restart keeps trained models and
 * collection dates instead of starting the 14 days over.
 */
import type Database from "better-sqlite3";
import type { ModelPersistence, ModelRecord } from "./models";

/** devices serialized per step of saveSteps */
const DEVICES_PER_STEP = 2_000;

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
		for (const _ of this.saveSteps(key, r));
	}

	/** The record's JSON built a slice of devices at a time (the same text as JSON.stringify(r)), then one write. */
	*saveSteps(key: string, r: ModelRecord): Generator<void> {
		const devices = r.model?.devices;
		if (!r.model || !devices) return void this.#put.run(key, JSON.stringify(r));
		// the record with an empty devices object, then the devices spliced into it
		const shell = JSON.stringify({ ...r, model: { ...r.model, devices: {} } });
		const at = shell.indexOf('"devices":{}') + '"devices":{'.length;
		const parts: string[] = [shell.slice(0, at)];
		let n = 0;
		for (const [thing, b] of Object.entries(devices)) {
			parts.push(`${n ? "," : ""}${JSON.stringify(thing)}:${JSON.stringify(b)}`);
			if (++n % DEVICES_PER_STEP === 0) yield;
		}
		parts.push(shell.slice(at));
		this.#put.run(key, parts.join(""));
	}

	delete(key: string): void {
		this.#del.run(key);
	}

	load(): ModelRecord[] {
		return (this.#all.all() as { json: string }[]).map((row) => JSON.parse(row.json) as ModelRecord);
	}
}
