/*
 * routes-tags — TagResource, UntagResource and ListTagsForResource for thing groups and security profiles
 * (what Terraform's AWS provider reads back), and the tag-list checks CreateThingGroup and
 * CreateSecurityProfile share. AWS limits: 50 tags, keys 1–128 and values 0–256 characters.
 */
import { customMetricArn, dimensionArn, profileArn, type ApiContext } from "./context";
import { invalid, notFound } from "./errors";
import { bodyString, page, requiredQuery } from "./params";
import type { Call, Routes } from "./router";
import type { Tag } from "./store-tags";
import { thingGroupArn } from "../detect/registry";

const MAX_TAGS = 50;

/** A TagList from a request body, checked; undefined when absent. */
export function tagList(v: unknown): Tag[] | undefined {
	if (v === undefined) return undefined;
	if (!Array.isArray(v) || v.length > MAX_TAGS) throw invalid(`tags must be a list of at most ${MAX_TAGS} {Key, Value}`);
	return v.map((t: unknown) => {
		const { Key, Value = "" } = (t ?? {}) as { Key?: unknown; Value?: unknown };
		if (typeof Key !== "string" || Key.length < 1 || Key.length > 128 || Key.startsWith("aws:")) throw invalid("a tag Key must be 1-128 characters, not starting with aws:");
		if (typeof Value !== "string" || Value.length > 256) throw invalid(`tag ${Key}: Value must be at most 256 characters`);
		return { Key, Value };
	});
}

/** The canonical ARN of a taggable resource that exists. */
function resource(ctx: ApiContext, arn: string): string {
	const m = /^arn:aws:iot:[a-z0-9-]*:[0-9]*:(thinggroup|securityprofile|dimension|custommetric)\/([a-zA-Z0-9:_-]{1,128})$/.exec(arn);
	if (!m) throw invalid(`resourceArn ${arn} is not a thing group, security profile, dimension or custom metric ARN`);
	const [, kind, name] = m;
	const defs = ctx.cloud.definitions;
	const exists: Record<string, () => boolean> = {
		thinggroup: () => ctx.registry.hasThingGroup(name),
		securityprofile: () => ctx.registry.describeSecurityProfile(name) !== undefined,
		dimension: () => defs.dimension(name) !== undefined,
		custommetric: () => defs.customMetric(name) !== undefined,
	};
	if (!exists[kind]()) throw notFound(`${arn} does not exist`);
	const canonical: Record<string, (n: string) => string> = { thinggroup: thingGroupArn, securityprofile: profileArn, dimension: dimensionArn, custommetric: customMetricArn };
	return canonical[kind](name);
}

function untag(ctx: ApiContext, c: Call): object {
	const arn = resource(ctx, bodyString(c, "resourceArn", true));
	const keys = c.body.tagKeys;
	if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) throw invalid("tagKeys must be a list of strings");
	ctx.tags.remove(arn, keys as string[]);
	return {};
}

export function tagRoutes(ctx: ApiContext): Routes {
	return {
		"GET /tags": (c) => {
			const { items, nextToken } = page(c, ctx.tags.list(resource(ctx, requiredQuery(c, "resourceArn"))));
			return { tags: items, nextToken };
		},
		"POST /tags": (c) => {
			const arn = resource(ctx, bodyString(c, "resourceArn", true));
			const tags = tagList(c.body.tags) ?? [];
			if (new Set([...ctx.tags.list(arn), ...tags].map((t) => t.Key)).size > MAX_TAGS) throw invalid(`at most ${MAX_TAGS} tags per resource`);
			ctx.tags.put(arn, tags);
			return {};
		},
		"POST /untag": (c) => untag(ctx, c),
	};
}
