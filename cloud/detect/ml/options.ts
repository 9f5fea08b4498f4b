/*
 * options — ML Detect's training rules (spec §12, AWS's dd-detect-ml): a model needs `trainingDays` of
 * collection and at least `minDatapoints` datapoints of the behavior's metric from the targeted fleet in the
 * trailing `trainingDays`; it is retrained every `refreshHours`; without enough data training is retried
 * for `retryDays`, then the model is EXPIRED. Defaults are AWS's. The training period cannot exceed the
 * metric history the store keeps (LIMITS.metricRetentionDays).
 */
import { LIMITS } from "../../../modules/facts/facts";
import { CloudError, ErrorCodes } from "../../errors";

export type Level = "LOW" | "MEDIUM" | "HIGH";

export interface MlOptions {
	/** days of collection before the first model, and the trailing period each model is trained on (default 14) */
	trainingDays?: number;
	/** datapoints of the metric from the targeted things in the trailing period needed to train (default 25,000) */
	minDatapoints?: number;
	/** hours between retrainings of an active model (default 24) */
	refreshHours?: number;
	/** days training is retried after the first attempt before the model is EXPIRED (default 30) */
	retryDays?: number;
}

export type MlSettings = Required<MlOptions>;

export const ML_DEFAULTS: MlSettings = {
	trainingDays: LIMITS.mlTrainingDays,
	minDatapoints: LIMITS.mlMinDatapoints,
	refreshHours: 24,
	retryDays: LIMITS.mlRetryDays,
};

function positive(name: string, v: number, max: number): void {
	if (!Number.isFinite(v) || v <= 0 || v > max) throw new CloudError(ErrorCodes.InvalidRequest, `ml.${name} must be a number in (0, ${max}], got ${v}`);
}

/** The options with defaults filled in; a value out of range is refused with a clear error. */
export function mlSettings(options: MlOptions = {}): MlSettings {
	const s = { ...ML_DEFAULTS, ...options };
	positive("trainingDays", s.trainingDays, LIMITS.metricRetentionDays);
	positive("minDatapoints", s.minDatapoints, Number.MAX_SAFE_INTEGER);
	positive("refreshHours", s.refreshHours, 24 * 365);
	positive("retryDays", s.retryDays, 365);
	return s;
}
