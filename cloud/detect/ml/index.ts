/*
 * ml — ML Detect composed on the cloud's database: models trained from the `metrics` table (history.ts),
 * their records kept in `ml_models` (store.ts), the training rules from the options (options.ts).
 */
import type Database from "better-sqlite3";
import type { Registry } from "../registry";
import { SqlHistory } from "./history";
import { MlModels } from "./models";
import { mlSettings, type MlOptions } from "./options";
import { ModelStore } from "./store";

export type { MlOptions } from "./options";
export type { ModelSummary, ModelStatus } from "./models";
export { MlModels } from "./models";

export function createMlModels(registry: Registry, db: Database.Database, options?: MlOptions): MlModels {
	const store = new ModelStore(db);
	const models = new MlModels(registry, new SqlHistory(db), mlSettings(options), store);
	models.restore(store.load());
	return models;
}
