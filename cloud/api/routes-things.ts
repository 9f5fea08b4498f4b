/*
 * routes-things — things and thing groups over the AWS IoT REST-JSON API. Thing names follow the shared
 * rule (modules/facts); group membership goes to the Detect registry, so a profile attached to a group
 * applies to a thing the moment it is added.
 */
import { thingGroupArn } from "../detect/registry";
import { checkThingName } from "../thing-name";
import { changed, thingArn, type ApiContext } from "./context";
import { conflict, exists, invalid, notFound } from "./errors";
import { bodyObject, bodyString, boolQuery, intQuery, nameOrArn, page, seconds } from "./params";
import type { Call, Routes } from "./router";
import type { ThingRecord } from "./store-things";
import { tagList } from "./routes-tags";

function attributesOf(payload: Record<string, unknown> | undefined): Record<string, string> {
	const attrs = payload?.attributes ?? {};
	if (typeof attrs !== "object" || attrs === null || Array.isArray(attrs)) throw invalid("attributePayload.attributes must be an object");
	for (const [k, v] of Object.entries(attrs)) {
		if (!/^[a-zA-Z0-9_.,@/:#-]{1,128}$/.test(k)) throw invalid(`invalid attribute name ${k}`);
		if (typeof v !== "string" || !/^[a-zA-Z0-9_.,@/:#=\[\]-]{0,800}$/.test(v)) throw invalid(`invalid value for attribute ${k}`);
	}
	return attrs as Record<string, string>;
}

function thing(ctx: ApiContext, name: string): ThingRecord {
	const t = ctx.things.get(name);
	if (!t) throw notFound(`thing ${name} does not exist`);
	return t;
}

function createThing(ctx: ApiContext, c: Call): object {
	const name = c.params.thingName;
	const problem = checkThingName(name);
	if (problem) throw invalid(problem);
	const type = bodyString(c, "thingTypeName");
	if (type !== undefined) throw notFound(`thing type ${type} does not exist (thing types are not supported)`);
	if (c.body.billingGroupName !== undefined) throw invalid("billing groups are not supported");
	const attributes = attributesOf(bodyObject(c, "attributePayload"));
	const old = ctx.things.get(name);
	if (old && JSON.stringify(old.attributes) !== JSON.stringify(attributes)) throw exists(`thing ${name} already exists with different attributes`);
	const t = old ?? ctx.things.create(name, attributes, undefined, ctx.clock.now());
	return { thingName: name, thingArn: thingArn(name), thingId: t.thingId };
}

function describeThing(t: ThingRecord): object {
	return { defaultClientId: t.thingName, thingName: t.thingName, thingId: t.thingId, thingArn: thingArn(t.thingName), thingTypeName: t.thingTypeName, attributes: t.attributes, version: t.version };
}

function listThings(ctx: ApiContext, c: Call): object {
	const [name, value, prefix] = [c.query.get("attributeName"), c.query.get("attributeValue"), boolQuery(c, "usePrefixAttributeValue")];
	const type = c.query.get("thingTypeName");
	const matches = (t: ThingRecord): boolean => {
		if (type !== undefined && t.thingTypeName !== type) return false;
		if (name === undefined) return true;
		const v = t.attributes[name];
		return v !== undefined && (value === undefined || (prefix ? v.startsWith(value) : v === value));
	};
	const { items, nextToken } = page(c, ctx.things.list().filter(matches));
	return { things: items.map((t) => ({ thingName: t.thingName, thingTypeName: t.thingTypeName, thingArn: thingArn(t.thingName), attributes: t.attributes, version: t.version })), nextToken };
}

function deleteThing(ctx: ApiContext, c: Call): object {
	const name = c.params.thingName;
	const t = ctx.things.get(name);
	if (!t) return {};
	const expected = intQuery(c, "expectedVersion");
	if (expected !== undefined && expected !== t.version) throw conflict(`thing ${name} is at version ${t.version}, not ${expected}`);
	for (const g of ctx.registry.groupsOf(name)) ctx.registry.removeThingFromThingGroup(name, g);
	ctx.certificates.detachThing(name);
	ctx.things.delete(name);
	changed(ctx);
	return {};
}

function group(ctx: ApiContext, name: string): string {
	if (!ctx.registry.hasThingGroup(name)) throw notFound(`thing group ${name} does not exist`);
	return name;
}

function createGroup(ctx: ApiContext, c: Call): object {
	const name = c.params.thingGroupName;
	if (c.body.parentGroupName !== undefined) throw invalid("thing group hierarchies are not supported");
	const props = (bodyObject(c, "thingGroupProperties") ?? {}) as { thingGroupDescription?: string; attributePayload?: Record<string, unknown> };
	const properties = { ...(props.thingGroupDescription === undefined ? {} : { thingGroupDescription: String(props.thingGroupDescription) }), ...(props.attributePayload ? { attributePayload: { attributes: attributesOf(props.attributePayload) } } : {}) };
	const tags = tagList(c.body.tags);
	const known = ctx.registry.hasThingGroup(name);
	const arn = ctx.cloud.createThingGroup(name);
	const meta = known ? ctx.things.groupMeta(name, ctx.clock.now()) : ctx.things.putGroupMeta(name, properties, ctx.clock.now());
	if (known && JSON.stringify(meta.thingGroupProperties) !== JSON.stringify(properties)) throw exists(`thing group ${name} already exists with different properties`);
	if (!known && tags) ctx.tags.put(arn, tags);
	return { thingGroupName: name, thingGroupArn: arn, thingGroupId: meta.thingGroupId };
}

function describeGroup(ctx: ApiContext, c: Call): object {
	const name = group(ctx, c.params.thingGroupName);
	const meta = ctx.things.groupMeta(name, ctx.clock.now());
	return {
		thingGroupName: name,
		thingGroupId: meta.thingGroupId,
		thingGroupArn: thingGroupArn(name),
		version: meta.version,
		thingGroupProperties: meta.thingGroupProperties,
		thingGroupMetadata: { rootToParentThingGroups: [], creationDate: seconds(meta.created) },
	};
}

function listGroups(ctx: ApiContext, c: Call): object {
	const prefix = c.query.get("namePrefixFilter") ?? "";
	const parent = c.query.get("parentGroup");
	const names = parent === undefined ? ctx.registry.listThingGroups().filter((g) => g.startsWith(prefix)).sort() : [];
	const { items, nextToken } = page(c, names);
	return { thingGroups: items.map((g) => ({ groupName: g, groupArn: thingGroupArn(g) })), nextToken };
}

function deleteGroup(ctx: ApiContext, c: Call): object {
	const name = c.params.thingGroupName;
	if (!ctx.registry.hasThingGroup(name)) return {};
	const expected = intQuery(c, "expectedVersion");
	const version = ctx.things.groupMeta(name, ctx.clock.now()).version;
	if (expected !== undefined && expected !== version) throw conflict(`thing group ${name} is at version ${version}, not ${expected}`);
	ctx.registry.deleteThingGroup(name);
	ctx.groupDeleted?.(name);
	ctx.things.deleteGroupMeta(name);
	ctx.tags.drop(thingGroupArn(name));
	changed(ctx);
	return {};
}

function membership(ctx: ApiContext, c: Call, add: boolean): object {
	const g = group(ctx, nameOrArn(c, "thingGroupName", "thingGroupArn", "thinggroup"));
	const t = thing(ctx, nameOrArn(c, "thingName", "thingArn", "thing")).thingName;
	if (add) ctx.cloud.addThingToThingGroup(t, g);
	else ctx.registry.removeThingFromThingGroup(t, g);
	changed(ctx);
	return {};
}

export function thingRoutes(ctx: ApiContext): Routes {
	return {
		"POST /things/{thingName}": (c) => createThing(ctx, c),
		"GET /things/{thingName}": (c) => describeThing(thing(ctx, c.params.thingName)),
		"GET /things": (c) => listThings(ctx, c),
		"DELETE /things/{thingName}": (c) => deleteThing(ctx, c),
		"POST /thing-groups/{thingGroupName}": (c) => createGroup(ctx, c),
		"GET /thing-groups/{thingGroupName}": (c) => describeGroup(ctx, c),
		"GET /thing-groups": (c) => listGroups(ctx, c),
		"DELETE /thing-groups/{thingGroupName}": (c) => deleteGroup(ctx, c),
		"PUT /thing-groups/addThingToThingGroup": (c) => membership(ctx, c, true),
		"PUT /thing-groups/removeThingFromThingGroup": (c) => membership(ctx, c, false),
		"GET /things/{thingName}/thing-groups": (c) => {
			const { items, nextToken } = page(c, ctx.registry.groupsOf(thing(ctx, c.params.thingName).thingName).sort());
			return { thingGroups: items.map((g) => ({ groupName: g, groupArn: thingGroupArn(g) })), nextToken };
		},
		"GET /thing-groups/{thingGroupName}/things": (c) => {
			const { items, nextToken } = page(c, ctx.registry.thingsInGroup(group(ctx, c.params.thingGroupName)).sort());
			return { things: items, nextToken };
		},
	};
}
