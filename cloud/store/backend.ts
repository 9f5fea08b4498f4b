/*
 * backend — the store interface: everything the cloud persists for Detect (security profiles, targets,
 * thing groups, report gates, behavior states, last-seen times, violation history, metric history) and the
 * alert outbox, in the fleet layout (store-fleet.ts FLEET_SCHEMA; the PostgreSQL tables mirror it), plus the
 * verification states joined into the violation history, as one asynchronous contract implemented by SQLite (sqlite-backend.ts, wrapping the
 * synchronous better-sqlite3 store) and PostgreSQL (pg-store.ts). The same test suite
 * (test/unit/store-contract.ts) runs against both.
 *
 * Design: the hot path never waits on the database. The cloud keeps its working set in memory (Detect
 * states, gates), loads it asynchronously at start (or, with partitions, when it takes a partition over),
 * and writes changes behind in batches (one transaction each). Only reads of history (ListViolationEvents,
 * ListMetricValues) go to the database, and those are asynchronous API calls.
 */
import type { SecurityProfile } from "../detect/profile";
import type { StateRecord, ViolationEvent } from "../detect/engine";
import type { MetricValue } from "../detect/metric-value";
import type { ReportGateState } from "../reports/intake";
import type { OutboxRow } from "../outbox-table";
import type { Batch, EventQuery, MetricRow } from "../store";
import type { Verification } from "../verification";

export interface RegistrySnapshot {
	profiles: SecurityProfile[];
	targets: [string, string][];
	/** [group, member] (member undefined: the group's own row) */
	groups: [string, string | undefined][];
}

/** What Detect keeps per thing: report gates, behavior states and last-seen times. */
export interface ThingSnapshot {
	gates: Map<string, ReportGateState>;
	states: StateRecord[];
	seen: [string, number][];
}

export interface EventPage {
	violationEvents: ViolationEvent[];
	nextToken?: string;
}

export interface AsyncOutbox {
	add(rows: OutboxRow[]): Promise<void>;
	head(target: string): Promise<OutboxRow | undefined>;
	remove(id: string): Promise<void>;
	retryAt(id: string, attempts: number, at: number): Promise<void>;
	targets(): Promise<string[]>;
	count(): Promise<number>;
	prune(before: number, batch: number): Promise<number>;
}

export interface StoreBackend {
	readonly kind: "sqlite" | "postgres";
	saveProfile(p: SecurityProfile): Promise<void>;
	saveTarget(profile: string, arn: string): Promise<void>;
	saveGroup(group: string): Promise<void>;
	saveMember(group: string, thing: string): Promise<void>;
	loadRegistry(): Promise<RegistrySnapshot>;
	/** Per-thing state; of the things in `parts` only (partition numbers, partition.ts) when given. */
	loadThings(parts?: number[]): Promise<ThingSnapshot>;
	appendEvent(e: ViolationEvent): Promise<void>;
	/** One transaction: all of it or nothing. */
	writeBatch(b: Batch): Promise<void>;
	/** ListViolationEvents: the verification state of each event's violation joined in (and filtered on) */
	violationEvents(q?: EventQuery): Promise<EventPage>;
	/** True when `violationId` is in the event history. */
	hasViolation(violationId: string): Promise<boolean>;
	/** PutVerificationStateOnViolation (a checked state: verification.ts). */
	putVerification(violationId: string, v: Verification, time: number): Promise<void>;
	metricValues(thing: string, metric: string, startTime?: number, endTime?: number): Promise<{ timestamp: number; value: MetricValue }[]>;
	/**
	 * ML training's read (ml/history.ts): the datapoints of `metrics`, every thing, time in [from, to), a page at
	 * a time (a page now, or a promise of one); the next page is asked for once the previous is in hand.
	 */
	metricHistoryPages(metrics: readonly string[], from: number, to: number): Iterable<MetricRow[] | Promise<MetricRow[]>>;
	/** Deletes at most `batch` rows older than `before`; resolves to how many. */
	pruneEvents(before: number, batch: number): Promise<number>;
	pruneMetrics(before: number, batch: number): Promise<number>;
	readonly outbox: AsyncOutbox;
	close(): Promise<void>;
}
