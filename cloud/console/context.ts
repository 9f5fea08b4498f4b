/*
 * context — what the console's handlers work on: the API's context (running Cloud, registry, engine and
 * the API stores, so console actions take the same paths as the AWS API), the in-memory activity, the
 * persisted per-thing times.
 */
import type { ApiContext } from "../api/context";
import type { Activity } from "./activity";
import type { ConsoleReads } from "./persisted";

export interface ConsoleContext {
	api: ApiContext;
	activity: Activity;
	/** the per-thing tables and the history, read asynchronously (SQLite or PostgreSQL) */
	persisted: ConsoleReads;
}

/** thing → its groups, for every group member. */
export function groupsByThing(ctx: ConsoleContext): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const g of ctx.api.registry.listThingGroups().sort()) {
		for (const t of ctx.api.registry.thingsInGroup(g)) {
			const list = out.get(t);
			if (list) list.push(g);
			else out.set(t, [g]);
		}
	}
	return out;
}

/** thing → number of active violations. */
export function activeCounts(ctx: ConsoleContext): Map<string, number> {
	const out = new Map<string, number>();
	for (const v of ctx.api.cloud.listActiveViolations()) out.set(v.thingName, (out.get(v.thingName) ?? 0) + 1);
	return out;
}
