/*
 * thing — one thing's page: registry record, connection, groups, certificates, report log (the activity
 * ring), metrics it has, behaviors targeting it and active violations; and one metric's history over
 * [start, end) with the thresholds to draw and the violation periods to shade.
 */
import { METRICS, isCustomMetric } from "../detect/catalogue";
import type { Behavior } from "../detect/profile";
import type { ViolationEvent } from "../detect/engine";
import type { ConsoleContext } from "./context";
import { verificationOf } from "./verification";
import { knownThing } from "./fleet";
import { badRequest, notFound } from "./http";
import { timeParam, type Query } from "./list";

export const MAX_DATAPOINTS = 5000;
const DAY_MS = 86_400_000;

async function existing(ctx: ConsoleContext, name: string): Promise<string> {
	if (!(await knownThing(ctx, name))) throw notFound(`thing ${name} is not known to this cloud`);
	return name;
}

function certificates(ctx: ConsoleContext, name: string): object[] {
	return ctx.api.certificates.certificatesOf(name).flatMap((id) => {
		const c = ctx.api.certificates.get(id);
		return c ? [{ certificateId: c.certificateId, status: c.status, created: c.created, modified: c.modified }] : [];
	});
}

function metricsOf(behaviors: Behavior[]): { name: string; side: string }[] {
	const out = [...METRICS].map(([name, info]) => ({ name, side: info.side as string }));
	for (const b of behaviors) if (b.metric && isCustomMetric(b.metric) && !out.some((m) => m.name === b.metric)) out.push({ name: b.metric, side: "device" });
	return out;
}

export async function thingDetail(ctx: ConsoleContext, rawName: string): Promise<object> {
	const name = await existing(ctx, rawName);
	const lastSeenTime = await ctx.persisted.lastSeenOf(name);
	const t = ctx.api.things.get(name);
	const a = ctx.activity.get(name);
	const bound = ctx.api.registry.behaviorsFor(name);
	const certs = certificates(ctx, name);
	return {
		thingName: name,
		registered: t !== undefined,
		thing: t ? { thingId: t.thingId, attributes: t.attributes, version: t.version, created: t.created } : null,
		connection: { connected: a?.connected ?? false, lastConnectTime: a?.lastConnectTime ?? null, lastDisconnectTime: a?.lastDisconnectTime ?? null, sourceIp: a?.sourceIp ?? null },
		lastSeenTime,
		groups: ctx.api.registry.groupsOf(name).sort(),
		certificates: certs,
		certificateNote: certs.length ? null : "no registry certificate is attached: the thing connects with a certificate of the cloud's CA whose CN is its name (npm run cloud -- cert)",
		reports: [...(a?.reports ?? [])].reverse(),
		metrics: metricsOf(bound.map((b) => b.behavior)),
		behaviors: bound.map((b) => ({ securityProfileName: b.profile.securityProfileName, behavior: b.behavior })),
		activeViolations: ctx.api.cloud.listActiveViolations({ thingName: name }).map((v) => ({ ...v, ...verificationOf(v) })),
	};
}

interface Period {
	violationId: string;
	securityProfileName: string;
	behaviorName: string;
	start: number;
	end: number | null;
	endType: string | null;
}

/** Violation periods of `behaviors` overlapping [start, end): events in range, the in-alarm of those begun earlier, and the active ones. */
async function periods(ctx: ConsoleContext, thing: string, behaviors: Set<string>, start: number, end: number): Promise<Period[]> {
	const byId = new Map<string, Period>();
	const mine = (e: { securityProfileName: string; behavior: { name: string } }): boolean => behaviors.has(`${e.securityProfileName}\u0000${e.behavior.name}`);
	const add = async (e: ViolationEvent): Promise<void> => {
		const p = byId.get(e.violationId) ?? { violationId: e.violationId, securityProfileName: e.securityProfileName, behaviorName: e.behavior.name, start: e.violationEventTime, end: null, endType: null };
		if (e.violationEventType === "in-alarm") p.start = e.violationEventTime;
		else {
			(p.end = e.violationEventTime), (p.endType = e.violationEventType);
			if (!byId.has(e.violationId)) p.start = (await ctx.persisted.firstEvent(e.violationId))?.time ?? start;
		}
		byId.set(e.violationId, p);
	};
	let nextToken: string | undefined;
	do {
		const page = await ctx.api.cloud.queryViolationEventsAsync({ thingName: thing, startTime: start, endTime: end, nextToken });
		for (const e of page.violationEvents) if (mine(e)) await add(e);
		nextToken = page.nextToken;
	} while (nextToken !== undefined && byId.size < MAX_DATAPOINTS);
	for (const v of ctx.api.cloud.listActiveViolations({ thingName: thing })) {
		if (!mine(v) || byId.has(v.violationId) || v.violationStartTime >= end) continue;
		byId.set(v.violationId, { violationId: v.violationId, securityProfileName: v.securityProfileName, behaviorName: v.behavior.name, start: v.violationStartTime, end: null, endType: null });
	}
	return [...byId.values()].sort((a, b) => a.start - b.start);
}

export async function metricHistory(ctx: ConsoleContext, rawName: string, metric: string, q: Query): Promise<object> {
	const name = await existing(ctx, rawName);
	const now = ctx.api.clock.now();
	const end = timeParam(q, "end", now + 1);
	const start = timeParam(q, "start", end - DAY_MS);
	if (end < start) throw badRequest("end is before start");
	const bound = ctx.api.registry.behaviorsFor(name).filter((b) => b.behavior.metric === metric);
	const side = METRICS.get(metric)?.side ?? (bound.length || isCustomMetric(metric) ? "device" : null);
	if (side === null) throw notFound(`metric ${metric} is not a Detect metric`);
	ctx.api.cloud.flush();
	const rows = await ctx.persisted.metricRows(name, metric, start, end, MAX_DATAPOINTS + 1);
	const thresholds = bound.map((b) => ({
		securityProfileName: b.profile.securityProfileName,
		behaviorName: b.behavior.name,
		comparisonOperator: b.behavior.criteria?.comparisonOperator ?? null,
		value: b.behavior.criteria?.value ?? null,
		durationSeconds: b.behavior.criteria?.durationSeconds ?? null,
		statistic: b.behavior.criteria?.statisticalThreshold?.statistic ?? null,
	}));
	const keys = new Set(bound.map((b) => `${b.profile.securityProfileName}\u0000${b.behavior.name}`));
	return {
		thingName: name,
		metric,
		side,
		start,
		end,
		datapoints: rows.slice(0, MAX_DATAPOINTS),
		truncated: rows.length > MAX_DATAPOINTS,
		thresholds,
		violations: await periods(ctx, name, keys, start, end),
	};
}
