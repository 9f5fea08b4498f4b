/*
 * cli-ml — ML Detect in the CLI: `ml-models [--profile P]` prints GetBehaviorModelTrainingSummaries (through
 * the running cloud's API with --endpoint, else from the data dir: the state as of the cloud's last check),
 * and the `start` options --ml-training-days / --ml-min-datapoints.
 */
import { GetBehaviorModelTrainingSummariesCommand, type BehaviorModelTrainingSummary, type IoTClient } from "@aws-sdk/client-iot";
import { option, UsageError, type Args } from "./cli-args";
import * as client from "./cli-client";
import { createMlModels, type MlOptions } from "./detect/ml/index";
import { Registry } from "./detect/registry";
import { CloudStore } from "./store";

const dataDir = (a: Args): string => option(a, "data", ".cloud/data") ?? ".cloud/data";

function positiveNumber(a: Args, name: string): number | undefined {
	const v = option(a, name);
	if (v === undefined) return undefined;
	if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
	return Number(v);
}

/** The ML options of `start`, or undefined for AWS's defaults. */
export function mlOption(a: Args): MlOptions | undefined {
	const trainingDays = positiveNumber(a, "ml-training-days");
	const minDatapoints = positiveNumber(a, "ml-min-datapoints");
	if (trainingDays === undefined && minDatapoints === undefined) return undefined;
	return { trainingDays, minDatapoints };
}

async function viaApi(iot: IoTClient, securityProfileName: string | undefined): Promise<BehaviorModelTrainingSummary[]> {
	const out: BehaviorModelTrainingSummary[] = [];
	let nextToken: string | undefined;
	do {
		const page = await client.call(() => iot.send(new GetBehaviorModelTrainingSummariesCommand({ securityProfileName, nextToken })));
		out.push(...(page.summaries ?? []));
		nextToken = page.nextToken;
	} while (nextToken);
	return out;
}

function fromDataDir(a: Args, profile: string | undefined): object[] {
	const store = new CloudStore(dataDir(a));
	try {
		const registry = new Registry(store);
		const saved = store.loadRegistry();
		registry.restore(saved.profiles, saved.targets, saved.groups);
		if (profile !== undefined && !registry.describeSecurityProfile(profile)) throw new UsageError(`security profile ${profile} does not exist`);
		const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
		return createMlModels(registry, store)
			.summaries(profile)
			.map((s) => ({ ...s, trainingDataCollectionStartDate: iso(s.trainingDataCollectionStartDate), lastModelRefreshDate: iso(s.lastModelRefreshDate) }));
	} finally {
		store.close();
	}
}

/** `ml-models`: the model state of every ML behavior, as { summaries: [...] }. */
export async function mlModels(a: Args): Promise<{ summaries: object[] }> {
	const profile = option(a, "profile");
	const iot = client.forDataDir(option(a, "endpoint"), dataDir(a), option(a, "pki", ".cloud/pki"));
	if (iot) return { summaries: await viaApi(iot, profile) };
	return { summaries: fromDataDir(a, profile) };
}
