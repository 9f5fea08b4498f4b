/*
 * routes-ml — GetBehaviorModelTrainingSummaries (GET /behavior-model-training/summaries): the model state
 * of every ML behavior (of one security profile), with dates as the epoch seconds AWS returns.
 * maxResults 1–10, default 10 (AWS's).
 */
import type { MlModels } from "../detect/ml/models";
import type { Registry } from "../detect/registry";
import { invalid, notFound } from "./errors";
import { intQuery, seconds } from "./params";
import type { Call, Routes } from "./router";

const MAX_RESULTS = 10;

function summaries(ml: MlModels, registry: Registry, c: Call): object {
	const profile = c.query.get("securityProfileName");
	if (profile !== undefined && !registry.describeSecurityProfile(profile)) throw notFound(`security profile ${profile} does not exist`);
	const max = intQuery(c, "maxResults") ?? MAX_RESULTS;
	if (max < 1 || max > MAX_RESULTS) throw invalid(`maxResults must be between 1 and ${MAX_RESULTS}`);
	const all = ml.summaries(profile);
	const token = c.query.get("nextToken");
	const start = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8"));
	if (!Number.isInteger(start) || start < 0 || start > all.length) throw invalid("invalid nextToken");
	const end = start + max;
	const items = all.slice(start, end).map((s) => ({
		...s,
		trainingDataCollectionStartDate: seconds(s.trainingDataCollectionStartDate),
		lastModelRefreshDate: seconds(s.lastModelRefreshDate),
	}));
	return { summaries: items, ...(end < all.length ? { nextToken: Buffer.from(String(end)).toString("base64url") } : {}) };
}

export function mlRoutes(ml: MlModels, registry: Registry): Routes {
	return { "GET /behavior-model-training/summaries": (c) => summaries(ml, registry, c) };
}
