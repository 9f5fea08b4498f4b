/*
 * ml — ML Detect composed on the cloud's store: models trained from its metric history (`metric_rows`,
 * read through history.ts), their records kept in `ml_models` (store.ts), the training rules from the
 * options (options.ts).
 */
import type Database from "better-sqlite3";
import type { Registry } from "../registry";
import type { HistorySource } from "./history";
import { MlModels, type ModelPersistence, type ModelRecord } from "./models";
import { mlSettings, type MlOptions } from "./options";
import { ModelStore } from "./store";

export type { MlOptions } from "./options";
export type { ModelSummary, ModelStatus } from "./models";
export { MlModels } from "./models";

/** `cloud`: the cloud's store (CloudStore: its database for `ml_models`, its metric history for training). */
export function createMlModels(registry: Registry, cloud: HistorySource & { readonly database: Database.Database }, options?: MlOptions): MlModels {
	const store = new ModelStore(cloud.database);
	return mlModelsOn(registry, cloud, store, store.load(), options);
}

/** On any store: `history` for training, `store` for the records (PostgreSQL: store/pg-models.ts), `records` as loaded. */
export function mlModelsOn(registry: Registry, history: HistorySource, store: ModelPersistence, records: ModelRecord[], options?: MlOptions): MlModels {
	const models = new MlModels(registry, history, mlSettings(options), store);
	models.restore(records);
	return models;
}
