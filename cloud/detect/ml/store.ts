/*
 * store — the ML model records (status, collection start, progress, the trained model) in the cloud's
 * database, so a restart keeps trained models and collection dates instead of starting the 14 days over.
 *
 * - `ml_models`: one JSON row per (profile, behavior): the record, its model without the per-device
 *   baselines, and the generation those baselines were written under.
 * - `ml_model_devices`: the per-device baselines (a model of a big fleet is tens of MB of JSON), in parts of
 *   DEVICES_PER_PART devices, keyed (key, generation, part). saveSteps writes a new generation one part per
 *   step (the window close runs it sliced), then points the record at it and drops the older generations in
 *   one transaction: a crash in between leaves the record on the old generation, whose parts are intact; the
 *   orphaned parts go at the next load.
 * A record written whole by an older version (baselines inside the model) loads as it is.
 */
import type Database from "better-sqlite3";
import type { Baseline } from "./model";
import type { ModelPersistence, ModelRecord } from "./models";

/** devices serialized per part (one step of saveSteps) */
const DEVICES_PER_PART = 2_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ml_models (key TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ml_model_devices (key TEXT NOT NULL, generation INTEGER NOT NULL, part INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (key, generation, part)) WITHOUT ROWID;
`;

/** The stored record: the model's baselines live in ml_model_devices under `devicesGeneration`. */
type StoredRecord = ModelRecord & { devicesGeneration?: number };

export class ModelStore implements ModelPersistence {
	readonly #db: Database.Database;
	readonly #put: Database.Statement;
	readonly #get: Database.Statement;
	readonly #del: Database.Statement;
	readonly #all: Database.Statement;
	readonly #putPart: Database.Statement;
	readonly #parts: Database.Statement;
	readonly #dropOthers: Database.Statement;
	readonly #dropAll: Database.Statement;
	readonly #oldParts: Database.Statement;
	readonly #dropPart: Database.Statement;

	constructor(db: Database.Database) {
		db.exec(SCHEMA);
		this.#db = db;
		this.#put = db.prepare("INSERT OR REPLACE INTO ml_models (key, json) VALUES (?, ?)");
		this.#get = db.prepare("SELECT json FROM ml_models WHERE key = ?");
		this.#del = db.prepare("DELETE FROM ml_models WHERE key = ?");
		this.#all = db.prepare("SELECT key, json FROM ml_models");
		this.#putPart = db.prepare("INSERT OR REPLACE INTO ml_model_devices (key, generation, part, json) VALUES (?, ?, ?, ?)");
		this.#parts = db.prepare("SELECT json FROM ml_model_devices WHERE key = ? AND generation = ? ORDER BY part");
		this.#dropOthers = db.prepare("DELETE FROM ml_model_devices WHERE key = ? AND generation <> ?");
		this.#dropAll = db.prepare("DELETE FROM ml_model_devices WHERE key = ?");
		this.#oldParts = db.prepare("SELECT generation, part FROM ml_model_devices WHERE key = ? AND generation <> ?");
		this.#dropPart = db.prepare("DELETE FROM ml_model_devices WHERE key = ? AND generation = ? AND part = ?");
	}

	save(key: string, r: ModelRecord): void {
		for (const _ of this.saveSteps(key, r));
	}

	/** The record with its model's baselines written a part per step under a new generation, then switched to it. */
	*saveSteps(key: string, r: ModelRecord): Generator<void> {
		const devices = r.model?.devices;
		if (!r.model || !devices) {
			this.#db.transaction(() => {
				this.#put.run(key, JSON.stringify(r));
				this.#dropAll.run(key);
			})();
			return;
		}
		const current = this.#generationOf(key);
		// parts of an earlier save that crashed before switching the record over
		this.#dropOthers.run(key, current);
		const generation = current + 1;
		let part: Record<string, Baseline> = {};
		let inPart = 0;
		let parts = 0;
		for (const thing of Object.keys(devices)) {
			part[thing] = devices[thing];
			if (++inPart < DEVICES_PER_PART) continue;
			this.#putPart.run(key, generation, parts++, JSON.stringify(part));
			part = {};
			inPart = 0;
			yield;
		}
		if (inPart) this.#putPart.run(key, generation, parts++, JSON.stringify(part));
		const stored: StoredRecord = { ...r, model: { ...r.model, devices: {} }, devicesGeneration: generation };
		this.#put.run(key, JSON.stringify(stored));
		// the older generation's parts, one per step too (the record no longer points at them)
		for (const old of this.#oldParts.all(key, generation) as { generation: number; part: number }[]) {
			this.#dropPart.run(key, old.generation, old.part);
			yield;
		}
	}

	delete(key: string): void {
		this.#db.transaction(() => {
			this.#del.run(key);
			this.#dropAll.run(key);
		})();
	}

	load(): ModelRecord[] {
		return (this.#all.all() as { key: string; json: string }[]).map(({ key, json }) => {
			const { devicesGeneration, ...r } = JSON.parse(json) as StoredRecord;
			if (devicesGeneration === undefined || !r.model) return r;
			const devices: Record<string, Baseline> = {};
			for (const p of this.#parts.all(key, devicesGeneration) as { json: string }[]) Object.assign(devices, JSON.parse(p.json) as Record<string, Baseline>);
			return { ...r, model: { ...r.model, devices } };
		});
	}

	#generationOf(key: string): number {
		const row = this.#get.get(key) as { json: string } | undefined;
		return row ? ((JSON.parse(row.json) as StoredRecord).devicesGeneration ?? 0) : 0;
	}
}
