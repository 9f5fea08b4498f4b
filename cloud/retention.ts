/*
 * retention — what is kept and for how long: violation events and undelivered alerts for
 * LIMITS.violationRetentionDays (30), metric history for LIMITS.metricRetentionDays (14). Each tick deletes
 * at most PRUNE_BATCH rows per table, so pruning a large backlog never holds the event loop for long; a
 * backlog drains over the following ticks.
 */
import { LIMITS } from "../modules/facts/facts";
import type { RuntimeStore } from "./store/runtime";
import { storageFailure } from "./storage-error";

const DAY_MS = 86_400_000;

/** rows deleted per table per tick */
export const PRUNE_BATCH = 1_000;

export function pruneExpired(store: RuntimeStore, now: number, log: (s: string) => void): void {
	const violations = now - LIMITS.violationRetentionDays * DAY_MS;
	try {
		store.pruneEvents(violations, PRUNE_BATCH);
		store.pruneMetrics(now - LIMITS.metricRetentionDays * DAY_MS, PRUNE_BATCH);
		const expired = store.outbox.prune(violations, PRUNE_BATCH);
		if (expired) log(`alerts: ${expired} undelivered alerts older than ${LIMITS.violationRetentionDays} days expired from the outbox`);
	} catch (e) {
		log(`store: retention pruning failed (${storageFailure(e)}); retried on the next tick`);
	}
}
