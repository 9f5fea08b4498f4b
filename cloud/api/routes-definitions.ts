/*
 * routes-definitions — Detect dimensions (Create/Describe/List/Update/DeleteDimension), the custom metric
 * registry (Create/Describe/List/Update/DeleteCustomMetric) and PutVerificationStateOnViolation over the
 * AWS IoT REST-JSON API; paths and shapes as in the AWS IoT service model. Changes apply to the running
 * cloud at once (definitions.ts; verification.ts).
 */
import type { CustomMetric } from "../detect/custom-metrics";
import type { Dimension } from "../detect/dimensions";
import { customMetricArn, dimensionArn, type ApiContext } from "./context";
import { invalid } from "./errors";
import { page, seconds } from "./params";
import type { Call, Routes } from "./router";
import { tagList } from "./routes-tags";

function onlyKeys(c: Call, allowed: string[]): void {
	for (const k of Object.keys(c.body)) if (!allowed.includes(k)) throw invalid(`unknown parameter ${k}`);
}

function describeDimension(d: Dimension): object {
	return { name: d.name, arn: dimensionArn(d.name), type: d.type, stringValues: d.stringValues, creationDate: seconds(d.creationDate), lastModifiedDate: seconds(d.lastModifiedDate) };
}

function describeMetric(m: CustomMetric): object {
	const { metricName, metricType, displayName } = m;
	return { metricName, metricArn: customMetricArn(metricName), metricType, displayName, creationDate: seconds(m.creationDate), lastModifiedDate: seconds(m.lastModifiedDate) };
}

function createDimension(ctx: ApiContext, c: Call): object {
	onlyKeys(c, ["type", "stringValues", "tags", "clientRequestToken"]);
	const tags = tagList(c.body.tags);
	const d = ctx.cloud.definitions.createDimension({ name: c.params.name, type: c.body.type, stringValues: c.body.stringValues, clientRequestToken: c.body.clientRequestToken });
	if (tags) ctx.tags.put(dimensionArn(d.name), tags);
	return { name: d.name, arn: dimensionArn(d.name) };
}

function createMetric(ctx: ApiContext, c: Call): object {
	onlyKeys(c, ["metricType", "displayName", "tags", "clientRequestToken"]);
	const tags = tagList(c.body.tags);
	const input = { metricName: c.params.metricName, metricType: c.body.metricType, displayName: c.body.displayName, clientRequestToken: c.body.clientRequestToken };
	const m = ctx.cloud.definitions.createCustomMetric(input);
	if (tags) ctx.tags.put(customMetricArn(m.metricName), tags);
	return { metricName: m.metricName, metricArn: customMetricArn(m.metricName) };
}

async function verify(ctx: ApiContext, c: Call): Promise<object> {
	onlyKeys(c, ["verificationState", "verificationStateDescription"]);
	await ctx.cloud.putVerificationStateOnViolationAsync(c.params.violationId, c.body.verificationState, c.body.verificationStateDescription);
	return {};
}

export function definitionRoutes(ctx: ApiContext): Routes {
	const defs = ctx.cloud.definitions;
	return {
		"POST /dimensions/{name}": (c) => createDimension(ctx, c),
		"GET /dimensions/{name}": (c) => describeDimension(defs.describeDimension(c.params.name)),
		"GET /dimensions": (c) => {
			const { items, nextToken } = page(c, defs.listDimensions());
			return { dimensionNames: items, nextToken };
		},
		"PATCH /dimensions/{name}": (c) => {
			onlyKeys(c, ["stringValues"]);
			return describeDimension(defs.updateDimension(c.params.name, c.body.stringValues));
		},
		"DELETE /dimensions/{name}": (c) => {
			defs.deleteDimension(c.params.name);
			ctx.tags.drop(dimensionArn(c.params.name));
			return {};
		},
		"POST /custom-metric/{metricName}": (c) => createMetric(ctx, c),
		"GET /custom-metric/{metricName}": (c) => describeMetric(defs.describeCustomMetric(c.params.metricName)),
		"GET /custom-metrics": (c) => {
			const { items, nextToken } = page(c, defs.listCustomMetrics());
			return { metricNames: items, nextToken };
		},
		"PATCH /custom-metric/{metricName}": (c) => {
			onlyKeys(c, ["displayName"]);
			return describeMetric(defs.updateCustomMetric(c.params.metricName, c.body.displayName));
		},
		"DELETE /custom-metric/{metricName}": (c) => {
			defs.deleteCustomMetric(c.params.metricName);
			ctx.tags.drop(customMetricArn(c.params.metricName));
			return {};
		},
		"POST /violations/verification-state/{violationId}": (c) => verify(ctx, c),
	};
}
