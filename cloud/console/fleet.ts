/*
 * fleet — the fleet list (every thing the cloud knows: registered, group members, seen or reporting) with
 * connection state, last report and reply, groups and active violation counts, filtered, searched,
 * sorted and paged server-side; and the one-line overview.
 */
import type { ThingActivity } from "./activity";
import { activeCounts, groupsByThing, type ConsoleContext } from "./context";
import { boolParam, oneOf, searchFilter, sortAndPage, type Paged, type Query } from "./list";

export interface LastReply {
	status: "ACCEPTED" | "REJECTED";
	reportId: number | null;
	errorCode: string | null;
	errorMessage: string | null;
	time: number;
}

export interface FleetThing {
	thingName: string;
	registered: boolean;
	connected: boolean;
	lastConnectTime: number | null;
	lastDisconnectTime: number | null;
	sourceIp: string | null;
	lastSeenTime: number | null;
	lastReportTime: number | null;
	lastReportFormat: "json" | "cbor" | null;
	lastReply: LastReply | null;
	reportsAccepted: number;
	reportsRejected: number;
	groups: string[];
	activeViolations: number;
}

export function lastReplyOf(a: ThingActivity | undefined): LastReply | null {
	const r = a?.reports.at(-1);
	return r ? { status: r.status, reportId: r.reportId, errorCode: r.errorCode, errorMessage: r.errorMessage, time: r.time } : null;
}

interface Sources {
	registered: Set<string>;
	groups: Map<string, string[]>;
	seen: Map<string, number>;
	accepted: Map<string, number>;
	violations: Map<string, number>;
}

async function sources(ctx: ConsoleContext): Promise<Sources> {
	const [seen, accepted] = await Promise.all([ctx.persisted.lastSeen(), ctx.persisted.lastAccepted()]);
	return {
		registered: new Set(ctx.api.things.list().map((t) => t.thingName)),
		groups: groupsByThing(ctx),
		seen,
		accepted,
		violations: activeCounts(ctx),
	};
}

function row(ctx: ConsoleContext, s: Sources, name: string): FleetThing {
	const a = ctx.activity.get(name);
	const last = a?.reports.at(-1);
	return {
		thingName: name,
		registered: s.registered.has(name),
		connected: a?.connected ?? false,
		lastConnectTime: a?.lastConnectTime ?? null,
		lastDisconnectTime: a?.lastDisconnectTime ?? null,
		sourceIp: a?.sourceIp ?? null,
		lastSeenTime: s.seen.get(name) ?? null,
		lastReportTime: last?.time ?? s.accepted.get(name) ?? null,
		lastReportFormat: last?.format ?? null,
		lastReply: lastReplyOf(a),
		reportsAccepted: a?.reportsAccepted ?? 0,
		reportsRejected: a?.reportsRejected ?? 0,
		groups: s.groups.get(name) ?? [],
		activeViolations: s.violations.get(name) ?? 0,
	};
}

/** Every thing name the cloud knows of. */
function names(ctx: ConsoleContext, s: Sources): Set<string> {
	const all = new Set<string>(s.registered);
	for (const t of s.groups.keys()) all.add(t);
	for (const t of s.seen.keys()) all.add(t);
	for (const t of s.accepted.keys()) all.add(t);
	for (const [t] of ctx.activity.things()) all.add(t);
	return all;
}

export async function knownThing(ctx: ConsoleContext, name: string): Promise<boolean> {
	if (ctx.activity.get(name) !== undefined || ctx.api.things.get(name) !== undefined || ctx.api.registry.groupsOf(name).length > 0) return true;
	return (await ctx.persisted.lastSeenOf(name)) !== null || (await ctx.persisted.lastAcceptedOf(name)) !== null;
}

export async function fleet(ctx: ConsoleContext, q: Query): Promise<Paged<FleetThing>> {
	const s = await sources(ctx);
	const connected = boolParam(q, "connected");
	const status = q.get("status") ? oneOf(q, "status", ["ACCEPTED", "REJECTED"] as const, "ACCEPTED") : undefined;
	const group = q.get("group") || undefined;
	const search = searchFilter<FleetThing>(q, (t) => [t.thingName, ...t.groups]);
	const rows = [...names(ctx, s)]
		.map((n) => row(ctx, s, n))
		.filter((t) => (connected === undefined || t.connected === connected) && (status === undefined || t.lastReply?.status === status) && (group === undefined || t.groups.includes(group)) && search(t));
	return sortAndPage(
		q,
		rows,
		{
			thingName: (t) => t.thingName,
			connected: (t) => (t.connected ? 1 : 0),
			lastReportTime: (t) => t.lastReportTime,
			lastReplyStatus: (t) => t.lastReply?.status ?? null,
			activeViolations: (t) => t.activeViolations,
		},
		"thingName",
		(t) => t.thingName,
	);
}

export async function overview(ctx: ConsoleContext): Promise<object> {
	const s = await sources(ctx);
	let connected = 0;
	for (const [, a] of ctx.activity.things()) if (a.connected) connected++;
	const now = ctx.api.clock.now();
	const minute = ctx.activity.lastMinute(now);
	let active = 0;
	for (const n of s.violations.values()) active += n;
	return { things: names(ctx, s).size, connected, reportsAcceptedLastMinute: minute.accepted, reportsRejectedLastMinute: minute.rejected, activeViolations: active, time: now };
}
