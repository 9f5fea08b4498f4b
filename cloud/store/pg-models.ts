/*
 * pg-models — ML Detect's model records on PostgreSQL (migration 003: ml_models, ml_model_devices), the
 * layout of the embedded store (cloud/detect/ml/store.ts): the record per (profile, behavior) with its model
 * minus the per-device baselines, and the baselines in parts under a generation the record points at. A save
 * runs in steps that wait on the database (steps.ts: the cloud's sliced tick awaits them): the parts of a
 * new generation one per step, then the record switched to it in one statement, then the older generation
 * dropped. A crash before the switch leaves the record on its old, intact generation. Deletes and saves go
 * through one queue, so a delete never overtakes the save before it.
 */
import type pg from "pg";
import type { Baseline } from "../detect/ml/model";
import type { ModelPersistence, ModelRecord } from "../detect/ml/models";
import { awaitStep, type Step } from "../detect/steps";

/** devices per part (one step of saveSteps), as the embedded store */
const DEVICES_PER_PART = 2_000;

type StoredRecord = ModelRecord & { devicesGeneration?: number };

/** The key in PostgreSQL: text there holds no NUL, the separator of the cloud's keys ("profile/behavior/"; names hold no "/"). */
const pgKey = (key: string): string => key.replaceAll("\u0000", "/");

export class PgModelStore implements ModelPersistence {
	readonly #pool: pg.Pool;
	readonly #log: (s: string) => void;
	#queue: Promise<unknown> = Promise.resolve();

	constructor(pool: pg.Pool, log: (s: string) => void) {
		this.#pool = pool;
		this.#log = log;
	}

	/** Runs `job` after every job queued before it; its result (or error) is the caller's. */
	#run<T>(job: () => Promise<T>): Promise<T> {
		const next = this.#queue.then(job);
		this.#queue = next.catch(() => undefined);
		return next;
	}

	#query(sql: string, args: unknown[]): Promise<pg.QueryResult> {
		return this.#run(() => this.#pool.query(sql, args));
	}

	*saveSteps(cloudKey: string, r: ModelRecord): Generator<Step> {
		const key = pgKey(cloudKey);
		const devices = r.model?.devices;
		if (!r.model || !devices) {
			yield* awaitStep(this.#transaction([
				["INSERT INTO ml_models (key, json) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET json = excluded.json", [key, JSON.stringify(r)]],
				["DELETE FROM ml_model_devices WHERE key = $1", [key]],
			]));
			return;
		}
		const found = yield* awaitStep(this.#query("SELECT json FROM ml_models WHERE key = $1", [key]));
		const row = found.rows[0] as { json: string } | undefined;
		const current = row ? ((JSON.parse(row.json) as StoredRecord).devicesGeneration ?? 0) : 0;
		// parts of an earlier save that stopped before switching the record over
		yield* awaitStep(this.#query("DELETE FROM ml_model_devices WHERE key = $1 AND generation <> $2", [key, current]));
		const generation = current + 1;
		const things = Object.keys(devices);
		for (let part = 0; part * DEVICES_PER_PART < things.length; part++) {
			const slice: Record<string, Baseline> = {};
			for (const thing of things.slice(part * DEVICES_PER_PART, (part + 1) * DEVICES_PER_PART)) slice[thing] = devices[thing];
			yield* awaitStep(this.#query("INSERT INTO ml_model_devices (key, generation, part, json) VALUES ($1, $2, $3, $4) ON CONFLICT (key, generation, part) DO UPDATE SET json = excluded.json", [key, generation, part, JSON.stringify(slice)]));
		}
		const stored: StoredRecord = { ...r, model: { ...r.model, devices: {} }, devicesGeneration: generation };
		yield* awaitStep(this.#query("INSERT INTO ml_models (key, json) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET json = excluded.json", [key, JSON.stringify(stored)]));
		yield* awaitStep(this.#query("DELETE FROM ml_model_devices WHERE key = $1 AND generation <> $2", [key, generation]));
	}

	delete(cloudKey: string): void {
		const key = pgKey(cloudKey);
		this.#transaction([
			["DELETE FROM ml_models WHERE key = $1", [key]],
			["DELETE FROM ml_model_devices WHERE key = $1", [key]],
		]).catch((e: unknown) => this.#log(`ML model ${key}: not deleted from PostgreSQL (${e instanceof Error ? e.message : String(e)}); dropped again after the next restart`));
	}

	/** Every record, its model's baselines read from its generation's parts. */
	async load(): Promise<ModelRecord[]> {
		const { rows } = await this.#pool.query<{ key: string; json: string }>("SELECT key, json FROM ml_models ORDER BY key");
		const out: ModelRecord[] = [];
		for (const { key, json } of rows) {
			const { devicesGeneration, ...r } = JSON.parse(json) as StoredRecord;
			if (devicesGeneration === undefined || !r.model) {
				out.push(r);
				continue;
			}
			const parts = await this.#pool.query<{ json: string }>("SELECT json FROM ml_model_devices WHERE key = $1 AND generation = $2 ORDER BY part", [key, devicesGeneration]);
			const devices: Record<string, Baseline> = {};
			for (const p of parts.rows) Object.assign(devices, JSON.parse(p.json) as Record<string, Baseline>);
			out.push({ ...r, model: { ...r.model, devices } });
		}
		return out;
	}

	#transaction(statements: [string, unknown[]][]): Promise<void> {
		return this.#run(async () => {
			const client = await this.#pool.connect();
			try {
				await client.query("BEGIN");
				for (const [sql, args] of statements) await client.query(sql, args);
				await client.query("COMMIT");
			} catch (e) {
				await client.query("ROLLBACK").catch(() => undefined);
				throw e;
			} finally {
				client.release();
			}
		});
	}
}
