/*
 * routes-profiles — Detect security profiles over the AWS IoT REST-JSON API: create, describe, update
 * (expectedVersion → VersionConflictException), delete, list, attach/detach targets, list targets and
 * profiles for a target, and ValidateSecurityProfileBehaviors. Every change goes to the running registry.
 */
import { parseTargetArn } from "../detect/registry";
import type { SecurityProfile } from "../detect/profile";
import { changed, profileArn, type ApiContext } from "./context";
import { conflict, invalid, notFound } from "./errors";
import { intQuery, page, requiredQuery, seconds } from "./params";
import type { Call, Routes } from "./router";
import { tagList } from "./routes-tags";

const UPDATABLE = ["securityProfileDescription", "behaviors", "alertTargets", "additionalMetricsToRetain", "additionalMetricsToRetainV2", "metricsExportConfig"] as const;
const DELETE_FLAGS: Record<string, (typeof UPDATABLE)[number][]> = {
	deleteBehaviors: ["behaviors"],
	deleteAlertTargets: ["alertTargets"],
	deleteAdditionalMetricsToRetain: ["additionalMetricsToRetain", "additionalMetricsToRetainV2"],
	deleteMetricsExportConfig: ["metricsExportConfig"],
};

function existing(ctx: ApiContext, name: string): SecurityProfile {
	const p = ctx.registry.describeSecurityProfile(name);
	if (!p) throw notFound(`security profile ${name} does not exist`);
	return p;
}

function checkVersion(ctx: ApiContext, c: Call, name: string): void {
	const expected = intQuery(c, "expectedVersion");
	const actual = ctx.profiles.get(name, ctx.clock.now()).version;
	if (expected !== undefined && expected !== actual) throw conflict(`security profile ${name} is at version ${actual}, not ${expected}`);
}

function describe(ctx: ApiContext, p: SecurityProfile): object {
	const meta = ctx.profiles.get(p.securityProfileName, ctx.clock.now());
	const { tags: _tags, ...fields } = p;
	return { ...fields, securityProfileArn: profileArn(p.securityProfileName), version: meta.version, creationDate: seconds(meta.created), lastModifiedDate: seconds(meta.modified) };
}

function create(ctx: ApiContext, c: Call): object {
	const name = c.params.securityProfileName;
	const { tags, ...profile } = c.body;
	const checked = tagList(tags);
	const r = ctx.cloud.createSecurityProfile({ ...profile, securityProfileName: name });
	ctx.profiles.created(name, ctx.clock.now());
	ctx.tags.drop(r.securityProfileArn);
	if (checked) ctx.tags.put(r.securityProfileArn, checked);
	changed(ctx);
	return r;
}

function update(ctx: ApiContext, c: Call): object {
	const name = c.params.securityProfileName;
	const merged: Record<string, unknown> = { ...existing(ctx, name) };
	checkVersion(ctx, c, name);
	for (const [key, value] of Object.entries(c.body)) {
		if ((UPDATABLE as readonly string[]).includes(key)) merged[key] = value;
		else if (DELETE_FLAGS[key] === undefined) throw invalid(`unknown parameter ${key}`);
	}
	for (const [flag, fields] of Object.entries(DELETE_FLAGS)) {
		if (c.body[flag] === true) for (const f of fields) delete merged[f];
	}
	const p = ctx.registry.updateSecurityProfile(merged);
	ctx.profiles.bumped(name, ctx.clock.now());
	changed(ctx);
	return describe(ctx, p);
}

function remove(ctx: ApiContext, c: Call): object {
	const name = c.params.securityProfileName;
	existing(ctx, name);
	checkVersion(ctx, c, name);
	ctx.registry.deleteSecurityProfile(name);
	ctx.profiles.delete(name);
	ctx.tags.drop(profileArn(name));
	changed(ctx);
	return {};
}

function list(ctx: ApiContext, c: Call): object {
	const metric = c.query.get("metricName");
	const dimension = c.query.get("dimensionName");
	if (metric !== undefined && dimension !== undefined) throw invalid("use either metricName or dimensionName, not both");
	const uses = (n: string): boolean =>
		(metric === undefined || ctx.registry.profilesUsing("metric", metric).includes(n)) && (dimension === undefined || ctx.registry.profilesUsing("dimension", dimension).includes(n));
	const names = ctx.registry.listSecurityProfiles().map((p) => p.securityProfileName).filter(uses).sort();
	const { items, nextToken } = page(c, names);
	return { securityProfileIdentifiers: items.map((name) => ({ name, arn: profileArn(name) })), nextToken };
}

function sameTarget(a: string, b: string): boolean {
	const [x, y] = [parseTargetArn(a), parseTargetArn(b)];
	return x.kind === y.kind && (x.kind !== "group" || (y.kind === "group" && x.group === y.group));
}

function profilesForTarget(ctx: ApiContext, c: Call): object {
	const target = requiredQuery(c, "securityProfileTargetArn");
	parseTargetArn(target);
	const mappings = ctx.registry
		.listSecurityProfiles()
		.flatMap((p) => p.targets.filter((t) => sameTarget(t, target)).map((arn) => ({ securityProfileIdentifier: { name: p.securityProfileName, arn: profileArn(p.securityProfileName) }, target: { arn } })));
	const { items, nextToken } = page(c, mappings);
	return { securityProfileTargetMappings: items, nextToken };
}

function targets(ctx: ApiContext, c: Call): object {
	const name = c.params.securityProfileName;
	existing(ctx, name);
	const arns = ctx.registry.listSecurityProfiles().find((p) => p.securityProfileName === name)?.targets ?? [];
	const { items, nextToken } = page(c, arns);
	return { securityProfileTargets: items.map((arn) => ({ arn })), nextToken };
}

export function profileRoutes(ctx: ApiContext): Routes {
	return {
		"POST /security-profiles/{securityProfileName}": (c) => create(ctx, c),
		"GET /security-profiles/{securityProfileName}": (c) => describe(ctx, existing(ctx, c.params.securityProfileName)),
		"PATCH /security-profiles/{securityProfileName}": (c) => update(ctx, c),
		"DELETE /security-profiles/{securityProfileName}": (c) => remove(ctx, c),
		"GET /security-profiles": (c) => list(ctx, c),
		"PUT /security-profiles/{securityProfileName}/targets": (c) => {
			ctx.cloud.attachSecurityProfile(c.params.securityProfileName, requiredQuery(c, "securityProfileTargetArn"));
			changed(ctx);
			return {};
		},
		"DELETE /security-profiles/{securityProfileName}/targets": (c) => {
			ctx.registry.detachSecurityProfile(c.params.securityProfileName, requiredQuery(c, "securityProfileTargetArn"));
			changed(ctx);
			return {};
		},
		"GET /security-profiles/{securityProfileName}/targets": (c) => targets(ctx, c),
		"GET /security-profiles-for-target": (c) => profilesForTarget(ctx, c),
		"POST /security-profile-behaviors/validate": (c) => ctx.cloud.validateSecurityProfileBehaviors(c.body.behaviors),
	};
}
