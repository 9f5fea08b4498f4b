/*
 * sqlite-backend — the embedded default behind the asynchronous store interface (backend.ts): each call runs
 * the synchronous better-sqlite3 statement of CloudStore (store.ts) and resolves (or rejects) with its result.
 */
import type { SecurityProfile } from "../detect/profile";
import type { ViolationEvent } from "../detect/engine";
import type { OutboxRow } from "../outbox-table";
import type { Batch, CloudStore, EventQuery, MetricRow } from "../store";
import type { AsyncOutbox, EventPage, RegistrySnapshot, StoreBackend, ThingSnapshot } from "./backend";
import { partitionOf } from "./partition";
import { VerificationTable, type Verification } from "../verification";

const run = <T>(fn: () => T): Promise<T> => {
	try {
		return Promise.resolve(fn());
	} catch (e) {
		return Promise.reject(e);
	}
};

export class SqliteBackend implements StoreBackend {
	readonly kind = "sqlite";
	readonly outbox: AsyncOutbox;

	constructor(readonly store: CloudStore) {
		const t = store.outbox;
		this.outbox = {
			add: (rows: OutboxRow[]) => run(() => t.add(rows)),
			head: (target: string) => run(() => t.head(target)),
			remove: (id: string) => run(() => t.remove(id)),
			retryAt: (id: string, attempts: number, at: number) => run(() => t.retryAt(id, attempts, at)),
			targets: () => run(() => t.targets()),
			count: () => run(() => t.count()),
			prune: (before: number, batch: number) => run(() => t.prune(before, batch)),
		};
	}

	saveProfile(p: SecurityProfile): Promise<void> {
		return run(() => this.store.saveProfile(p));
	}

	saveTarget(profile: string, arn: string): Promise<void> {
		return run(() => this.store.saveTarget(profile, arn));
	}

	saveGroup(group: string): Promise<void> {
		return run(() => this.store.saveGroup(group));
	}

	saveMember(group: string, thing: string): Promise<void> {
		return run(() => this.store.saveMember(group, thing));
	}

	loadRegistry(): Promise<RegistrySnapshot> {
		return run(() => this.store.loadRegistry());
	}

	loadThings(parts?: number[]): Promise<ThingSnapshot> {
		return run(() => {
			const wanted = parts && new Set(parts);
			const mine = (thing: string): boolean => !wanted || wanted.has(partitionOf(thing));
			return {
				gates: new Map([...this.store.loadGates()].filter(([thing]) => mine(thing))),
				states: this.store.loadStates().filter((r) => mine(r.thing)),
				seen: this.store.loadSeen().filter(([thing]) => mine(thing)),
			};
		});
	}

	appendEvent(e: ViolationEvent): Promise<void> {
		return run(() => this.store.appendEvent(e));
	}

	writeBatch(b: Batch): Promise<void> {
		return run(() => this.store.writeBatch(b));
	}

	violationEvents(q?: EventQuery): Promise<EventPage> {
		return run(() => this.store.violationEvents(q));
	}

	metricValues(thing: string, metric: string, startTime?: number, endTime?: number): ReturnType<StoreBackend["metricValues"]> {
		return run(() => this.store.metricValues(thing, metric, startTime, endTime));
	}

	metricHistoryPages(metrics: readonly string[], from: number, to: number): Iterable<MetricRow[]> {
		return this.store.metricHistoryPages(metrics, from, to);
	}

	hasViolation(violationId: string): Promise<boolean> {
		return run(() => new VerificationTable(this.store.database).inHistory(violationId));
	}

	putVerification(violationId: string, v: Verification, time: number): Promise<void> {
		return run(() => void new VerificationTable(this.store.database).put(violationId, v.verificationState, v.verificationStateDescription, time));
	}

	pruneEvents(before: number, batch: number): Promise<number> {
		return run(() => this.store.pruneEvents(before, batch));
	}

	pruneMetrics(before: number, batch: number): Promise<number> {
		return run(() => this.store.pruneMetrics(before, batch));
	}

	close(): Promise<void> {
		return run(() => this.store.close());
	}
}
