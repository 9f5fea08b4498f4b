/*
 * violations — active violations (searched, sorted, paged) and the violation history (time range, store
 * paging) with the operator's verification state, the operator's "clear" of an active alarm, and
 * PutVerificationStateOnViolation.
 */
import type { ViolationEvent } from "../detect/engine";
import type { ConsoleContext } from "./context";
import { notFound } from "./http";
import { putVerification, verificationOf } from "./verification";
import { intParam, searchFilter, sortAndPage, timeParam, type Paged, type Query } from "./list";

const DAY_MS = 86_400_000;

const filterOf = (q: Query): { thingName?: string; securityProfileName?: string } => ({
	...(q.get("thingName") ? { thingName: q.get("thingName") ?? undefined } : {}),
	...(q.get("securityProfileName") ? { securityProfileName: q.get("securityProfileName") ?? undefined } : {}),
});

export function activeList(ctx: ConsoleContext, q: Query): Paged<object> {
	const search = searchFilter<{ thingName: string; securityProfileName: string; behavior: { name: string; metric?: string } }>(q, (v) => [v.thingName, v.securityProfileName, v.behavior.name, v.behavior.metric ?? ""]);
	const all = ctx.api.cloud
		.listActiveViolations(filterOf(q))
		.filter(search)
		.map((v) => ({ ...v, lastViolationValue: v.lastViolationValue ?? null, lastViolationTime: v.lastViolationTime ?? null, ...verificationOf(v) }));
	return sortAndPage(
		q,
		all,
		{ violationStartTime: (v) => v.violationStartTime, thingName: (v) => v.thingName, securityProfileName: (v) => v.securityProfileName, behaviorName: (v) => v.behavior.name },
		"violationStartTime",
		(v) => v.violationId,
	);
}

export async function history(ctx: ConsoleContext, q: Query): Promise<object> {
	const now = ctx.api.clock.now();
	const end = timeParam(q, "end", now + 1);
	const start = timeParam(q, "start", end - DAY_MS);
	const maxResults = intParam(q, "limit", 1000, 1, 1000);
	const page = await ctx.api.cloud.queryViolationEventsAsync({ ...filterOf(q), startTime: start, endTime: end, maxResults, nextToken: q.get("nextToken") || undefined });
	return { items: page.violationEvents.map((e) => ({ ...e, metricValue: e.metricValue ?? null, ...verificationOf(e) })), nextToken: page.nextToken ?? null };
}

export function clear(ctx: ConsoleContext, violationId: string): { event: ViolationEvent } {
	const event = ctx.api.cloud.clearViolation(violationId);
	if (!event) throw notFound(`violation ${violationId} is not active`);
	return { event };
}

export async function verify(ctx: ConsoleContext, violationId: string, body: Record<string, unknown>): Promise<object> {
	await putVerification(ctx.api.cloud, violationId, body);
	return {};
}
