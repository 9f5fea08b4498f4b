/*
 * models — one model per ML behavior (mlDetectionConfig), its life as AWS reports it through
 * GetBehaviorModelTrainingSummaries: PENDING_BUILD while data is collected (progress = datapoints in the
 * trailing period / the minimum), ACTIVE once trained (retrained every refreshHours on the trailing period),
 * EXPIRED when the data stayed insufficient for retryDays after the collection period. Collection starts
 * when the behavior is first seen. `maintainSteps(now)` runs on Detect's tick, sliced; `violated` answers the engine:
 * undefined while no model is active (no datapoint, so no alarm), else whether the value is anomalous at the
 * behavior's confidence level. Records persist (ModelStore) so a restart keeps models and collection dates.
 */
import { criteriaType, type Behavior } from "../profile";
import type { BoundBehavior, Registry } from "../registry";
import { sampleSteps, type HistorySource } from "./history";
import { anomalous, score, SUSTAINED, trainSteps, type Model } from "./model";
import type { Level, MlSettings } from "./options";
import { drain, type Step } from "../steps";

export type ModelStatus = "PENDING_BUILD" | "ACTIVE" | "EXPIRED";

export interface ModelRecord {
	profile: string;
	behavior: string;
	metric: string;
	/** epoch ms: when the behavior was first seen */
	collectionStart: number;
	status: ModelStatus;
	/** datapoints in the trailing training period at the last check */
	datapoints: number;
	/** the minimum in force at the last check (the CLI reading a data dir does not know the cloud's options) */
	required?: number;
	/** epoch ms of the last check (count or training) */
	lastCheck: number;
	lastRefresh?: number;
	model?: Model;
}

export interface ModelSummary {
	securityProfileName: string;
	behaviorName: string;
	trainingDataCollectionStartDate: number;
	modelStatus: ModelStatus;
	datapointsCollectionPercentage: number;
	lastModelRefreshDate?: number;
}

export interface ModelPersistence {
	/** Writes the record in steps (a model of a big fleet is tens of MB; on PostgreSQL the steps wait on it). */
	saveSteps(key: string, r: ModelRecord): Generator<Step>;
	/** Deletes the record (on PostgreSQL: queued behind the writes before it). */
	delete(key: string): void;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** progress of a pending model is recounted at most this often */
const RECOUNT_MS = HOUR_MS;
/** datapoints read per maintain (one tick) at most, beyond the first check: the rest waits for the next tick */
export const SAMPLES_PER_TICK = 1_000_000;

const keyOf = (profile: string, behavior: string): string => `${profile}\u0000${behavior}\u0000`;

export class MlModels {
	readonly #records = new Map<string, ModelRecord>();
	/** behavior key + thing → the scores of its last datapoints (for the sustained rule; not persisted) */
	readonly #recent = new Map<string, number[]>();
	readonly #registry: Registry;
	readonly #source: HistorySource;
	readonly #store: ModelPersistence | undefined;
	readonly #s: MlSettings;
	readonly #samplesPerTick: number;
	/** told when a model could not be checked (its history unreadable, its record unwritable) */
	onError: ((message: string) => void) | undefined;

	constructor(registry: Registry, source: HistorySource, settings: MlSettings, store?: ModelPersistence, samplesPerTick = SAMPLES_PER_TICK) {
		this.#registry = registry;
		this.#source = source;
		this.#s = settings;
		this.#store = store;
		this.#samplesPerTick = samplesPerTick;
	}

	restore(records: ModelRecord[]): void {
		for (const r of records) this.#records.set(keyOf(r.profile, r.behavior), r);
	}

	/** Starts collection for new ML behaviors, drops removed ones, counts progress, trains what is due. */
	maintain(now: number): void {
		drain(this.maintainSteps(now), "ML model upkeep");
	}

	/**
	 * maintain() in steps (the window close runs them sliced, a few milliseconds per event-loop turn): reading a
	 * behavior's history and training its model over a big fleet take seconds in all. A behavior whose check
	 * fails (the store unreachable) is reported to `onError` and checked again on the next tick.
	 */
	*maintainSteps(now: number): Generator<Step> {
		const live = this.#mlBehaviors();
		for (const k of this.#records.keys()) if (!live.has(k)) this.#drop(k);
		const pass = new Map<string, { count: number; model?: Model }>();
		let read = 0;
		for (const [k, { profile, behavior }] of live) {
			let r = this.#records.get(k);
			if (!r || r.metric !== behavior.metric) r = { profile, behavior: behavior.name, metric: behavior.metric ?? "", collectionStart: now, status: "PENDING_BUILD", datapoints: 0, lastCheck: -Infinity };
			this.#records.set(k, r);
			if (read >= this.#samplesPerTick || !this.#due(r, now)) continue;
			try {
				read += yield* this.#check(r, now, pass);
			} catch (e) {
				this.onError?.(`ML model ${profile}/${behavior.name}: not checked (${e instanceof Error ? e.message : String(e)}); again on the next tick`);
			}
		}
	}

	/** The engine's question: undefined = no active model (no datapoint); else is `value` anomalous. */
	violated(bound: BoundBehavior, thing: string, value: number, now: number): boolean | undefined {
		const r = this.#records.get(bound.key);
		const level = bound.behavior.criteria?.mlDetectionConfig?.confidenceLevel;
		if (!r || r.status !== "ACTIVE" || !r.model || !level || r.metric !== bound.behavior.metric) return undefined;
		const { z, tail } = score(r.model, thing, now, value);
		const k = bound.key + thing;
		const recent = this.#recent.get(k) ?? [];
		const verdict = anomalous(level as Level, z, tail, recent);
		this.#recent.set(k, [...recent, z].slice(-(SUSTAINED - 1)));
		return verdict;
	}

	/** GetBehaviorModelTrainingSummaries: every ML behavior (of one profile), in profile/behavior order. */
	summaries(profile?: string): ModelSummary[] {
		const out: ModelSummary[] = [];
		for (const [k, { profile: p, behavior }] of this.#mlBehaviors()) {
			if (profile !== undefined && p !== profile) continue;
			const r = this.#records.get(k);
			out.push({
				securityProfileName: p,
				behaviorName: behavior.name,
				trainingDataCollectionStartDate: r?.collectionStart ?? 0,
				modelStatus: r?.status ?? "PENDING_BUILD",
				datapointsCollectionPercentage: Math.min(100, Math.floor((10_000 * (r?.datapoints ?? 0)) / (r?.required ?? this.#s.minDatapoints)) / 100),
				lastModelRefreshDate: r?.lastRefresh,
			});
		}
		return out;
	}

	#mlBehaviors(): Map<string, { profile: string; behavior: Behavior }> {
		const out = new Map<string, { profile: string; behavior: Behavior }>();
		for (const { securityProfileName: profile } of this.#registry.listSecurityProfiles()) {
			for (const behavior of this.#registry.describeSecurityProfile(profile)?.behaviors ?? []) {
				if (criteriaType(behavior) === "MACHINE_LEARNING") out.set(keyOf(profile, behavior.name), { profile, behavior });
			}
		}
		return out;
	}

	#due(r: ModelRecord, now: number): boolean {
		if (r.status === "EXPIRED") return false;
		const refresh = this.#s.refreshHours * HOUR_MS;
		if (r.status === "ACTIVE") return now - r.lastCheck >= refresh;
		const collectedAt = r.collectionStart + this.#s.trainingDays * DAY_MS;
		if (now < collectedAt) return now - r.lastCheck >= RECOUNT_MS;
		// the first attempt as soon as the collection period is over, then one every refreshHours
		return r.lastCheck < collectedAt || now - r.lastCheck >= refresh;
	}

	/** Counts (and trains when collected); returns the datapoints read (0 when the pass already had them). */
	*#check(r: ModelRecord, now: number, pass: Map<string, { count: number; model?: Model }>): Generator<Step, number> {
		const from = now - this.#s.trainingDays * DAY_MS;
		const collected = now - r.collectionStart >= this.#s.trainingDays * DAY_MS;
		const cacheKey = `${r.metric}\u0000${JSON.stringify(this.#registry.listSecurityProfiles().find((p) => p.securityProfileName === r.profile)?.targets ?? [])}`;
		let shared = pass.get(cacheKey);
		let read = 0;
		if (!shared || (collected && !shared.model && shared.count >= this.#s.minDatapoints)) {
			const targeted = this.#targeting(r.profile);
			// a model still collecting needs the count alone: nothing of the history is kept
			const samples = yield* sampleSteps(this.#source, r.metric, targeted, from, now, !collected);
			shared = { count: samples.count, model: collected && samples.count >= this.#s.minDatapoints ? yield* trainSteps(samples, now) : undefined };
			pass.set(cacheKey, shared);
			read = samples.count;
		}
		// the record changes only once it is written (a failed write leaves it as it was, checked again next tick)
		const next: ModelRecord = { ...r, datapoints: shared.count, required: this.#s.minDatapoints, lastCheck: now };
		if (collected && shared.model) Object.assign(next, { status: "ACTIVE", model: shared.model, lastRefresh: now });
		else if (collected && !r.model && now - r.collectionStart >= (this.#s.trainingDays + this.#s.retryDays) * DAY_MS) next.status = "EXPIRED";
		if (this.#store) yield* this.#store.saveSteps(keyOf(r.profile, r.behavior), next);
		Object.assign(r, next);
		return read;
	}

	#targeting(profile: string): (thing: string) => boolean {
		const memo = new Map<string, boolean>();
		return (thing) => {
			let t = memo.get(thing);
			if (t === undefined) memo.set(thing, (t = this.#registry.targetedAmong(profile, [thing]).length > 0));
			return t;
		};
	}

	#drop(k: string): void {
		this.#records.delete(k);
		this.#store?.delete(k);
		for (const r of this.#recent.keys()) if (r.startsWith(k)) this.#recent.delete(r);
	}
}
