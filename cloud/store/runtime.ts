/*
 * runtime — what the running cloud (cloud.ts, write-behind.ts, retention.ts, the registry) asks of its store
 * on the hot path, synchronously. The SQLite CloudStore (store.ts) is one as it is: its writes are done when
 * the call returns. PgRuntime (pg-runtime.ts) is the other: its writes are queued and committed behind, in
 * order, one transaction per batch; `afterDurable` runs a callback once everything queued before it is
 * committed, and history is read asynchronously through `history`.
 */
import type Database from "better-sqlite3";
import type { Verification } from "../verification";
import type { RegistryPersistence, RegistryRemovals } from "../detect/registry";
import type { ViolationEvent } from "../detect/engine";
import type { MetricValue } from "../detect/metric-value";
import type { OutboxTable } from "../outbox-table";
import type { ReportGateState } from "../reports/intake";
import type { Batch, EventQuery } from "../store";
import type { EventPage, StoreBackend } from "./backend";

export interface RuntimeStore extends RegistryPersistence {
	readonly outbox: OutboxTable;
	/** the process's SQLite database: the tables kept by other modules (verification states for active violations, ML models, definitions, API tables) */
	readonly database: Database.Database;
	/** The stored report gate of one thing (read on its first report since start). */
	loadGate(thing: string): ReportGateState | undefined;
	/** The values of the thing's newest stored report (device-side metrics only). */
	lastReport(thing: string, deviceMetric: (metric: string) => boolean): Record<string, MetricValue> | undefined;
	appendEvent(e: ViolationEvent): void;
	writeBatch(b: Batch): void;
	violationEvents(q?: EventQuery): EventPage;
	metricValues(thing: string, metric: string, startTime?: number, endTime?: number): { timestamp: number; value: MetricValue }[];
	pruneEvents(before: number, batch: number): number;
	pruneMetrics(before: number, batch: number): number;
	close(): void | Promise<void>;
	/** asynchronous history reads (a server database); absent: the synchronous ones above answer */
	readonly history?: StoreBackend;
	/** runs `cb` once every write queued so far is committed; absent: writes are committed on return */
	afterDurable?(cb: () => void): void;
	/** resolves once every write queued so far is committed */
	drained?(): Promise<void>;
	/** PutVerificationStateOnViolation kept where the history is (a server database); absent: the SQLite table is the history's */
	putVerification?(violationId: string, v: Verification, time: number): void;
	/** deletions for the API, when the store provides its own (else the SQLite tables') */
	readonly removals?: RegistryRemovals;
}
