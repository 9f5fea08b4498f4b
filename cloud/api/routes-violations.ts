/*
 * routes-violations — ListActiveViolations, ListViolationEvents (time range, filters, paging) and
 * ListMetricValues over the running cloud, with times as the epoch seconds AWS returns.
 */
import type { CriteriaType } from "../detect/profile";
import type { ViolationFilter } from "../violations";
import { scopeKey } from "../detect/dimensions";
import type { ApiContext } from "./context";
import { invalid } from "./errors";
import { boolQuery, page, requiredQuery, seconds, timeQuery } from "./params";
import type { Call, Routes } from "./router";

const CRITERIA: CriteriaType[] = ["STATIC", "STATISTICAL", "MACHINE_LEARNING"];

function filter(c: Call): ViolationFilter {
	const type = c.query.get("behaviorCriteriaType");
	if (type !== undefined && !CRITERIA.includes(type as CriteriaType)) throw invalid(`behaviorCriteriaType must be one of ${CRITERIA.join(", ")}`);
	return {
		thingName: c.query.get("thingName"),
		securityProfileName: c.query.get("securityProfileName"),
		behaviorCriteriaType: type as CriteriaType | undefined,
		listSuppressedAlerts: boolQuery(c, "listSuppressedAlerts"),
		verificationState: c.query.get("verificationState"),
	};
}

function requiredTime(c: Call, name: string): number {
	requiredQuery(c, name);
	return timeQuery(c, name) as number;
}

function active(ctx: ApiContext, c: Call): object {
	const all = ctx.cloud.listActiveViolations(filter(c)).map((v) => ({
		...v,
		lastViolationTime: seconds(v.lastViolationTime),
		violationStartTime: seconds(v.violationStartTime),
	}));
	const { items, nextToken } = page(c, all);
	return { activeViolations: items, nextToken };
}

async function events(ctx: ApiContext, c: Call): Promise<object> {
	const startTime = requiredTime(c, "startTime");
	const endTime = requiredTime(c, "endTime");
	if (endTime < startTime) throw invalid("endTime is before startTime");
	const all = (await ctx.cloud.queryViolationEventsAsync({ ...filter(c), startTime, endTime })).violationEvents.map((e) => ({ ...e, violationEventTime: seconds(e.violationEventTime) }));
	const { items, nextToken } = page(c, all);
	return { violationEvents: items, nextToken };
}

/** ListMetricValues with dimensionName (+ dimensionValueOperator, default IN): the scoped series' name. */
function scopedName(ctx: ApiContext, c: Call, metric: string): string {
	const dimension = c.query.get("dimensionName");
	const operator = c.query.get("dimensionValueOperator") ?? "IN";
	if (dimension === undefined) return metric;
	if (operator !== "IN" && operator !== "NOT_IN") throw invalid("dimensionValueOperator must be IN or NOT_IN");
	ctx.cloud.definitions.describeDimension(dimension);
	return scopeKey(metric, dimension, operator);
}

async function metricValues(ctx: ApiContext, c: Call): Promise<object> {
	const thing = requiredQuery(c, "thingName");
	const metric = scopedName(ctx, c, requiredQuery(c, "metricName"));
	const startTime = requiredTime(c, "startTime");
	const endTime = requiredTime(c, "endTime");
	const all = (await ctx.cloud.listMetricValuesAsync(thing, metric, startTime, endTime)).map((d) => ({ timestamp: seconds(d.timestamp), value: d.value }));
	const { items, nextToken } = page(c, all);
	return { metricDatumList: items, nextToken };
}

export function violationRoutes(ctx: ApiContext): Routes {
	return {
		"GET /active-violations": (c) => active(ctx, c),
		"GET /violation-events": (c) => events(ctx, c),
		"GET /metric-values": (c) => metricValues(ctx, c),
	};
}
