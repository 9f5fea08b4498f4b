/*
 * routes-policies — AWS IoT policies attached to thing groups, over the REST-JSON API: CreatePolicy,
 * GetPolicy, ListPolicies, DeletePolicy, AttachPolicy / DetachPolicy (target: a thing-group ARN only),
 * ListAttachedPolicies and ListTargetsForPolicy. The embedded broker enforces them on publish, subscribe
 * and every delivery (cloud/policies). Policy versions are not kept: a policy has version "1".
 */
import { ARN_PREFIX, thingGroupArn } from "../detect/registry";
import type { GroupPolicies } from "../policies/store";
import type { ApiContext } from "./context";
import { invalid, notFound } from "./errors";
import { bodyString, seconds } from "./params";
import type { Call, Routes } from "./router";

const policyArn = (name: string): string => `${ARN_PREFIX}policy/${name}`;
const GROUP_ARN = /^arn:aws:iot:[a-z0-9-]*:[0-9]*:thinggroup\/([a-zA-Z0-9:_-]{1,128})$/;

function groupOf(target: string): string {
	const m = GROUP_ARN.exec(target);
	if (!m) throw invalid(`target ${target}: only thing-group targets (arn:aws:iot:…:thinggroup/<name>) are supported`);
	return m[1];
}

/** marker/pageSize paging (the policy operations' own names). */
function markerPage<T>(c: Call, items: T[]): { items: T[]; nextMarker?: string } {
	const size = c.query.get("pageSize") ?? "250";
	if (!/^\d{1,3}$/.test(size) || Number(size) < 1 || Number(size) > 250) throw invalid("pageSize must be between 1 and 250");
	const marker = c.query.get("marker");
	const start = marker === undefined ? 0 : Number(Buffer.from(marker, "base64url").toString("utf8"));
	if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalid("invalid marker");
	const end = start + Number(size);
	return { items: items.slice(start, end), ...(end < items.length ? { nextMarker: Buffer.from(String(end)).toString("base64url") } : {}) };
}

function getPolicy(policies: GroupPolicies, name: string): object {
	const p = policies.get(name);
	if (!p) throw notFound(`policy ${name} does not exist`);
	return { policyName: p.name, policyArn: policyArn(p.name), policyDocument: p.document, defaultVersionId: "1", creationDate: seconds(p.created), lastModifiedDate: seconds(p.created), generationId: "1" };
}

export function policyRoutes(ctx: ApiContext, policies: GroupPolicies): Routes {
	const identifiers = (names: string[]): object[] => names.map((policyName) => ({ policyName, policyArn: policyArn(policyName) }));
	return {
		"POST /policies/{policyName}": (c) => {
			if (c.body.tags !== undefined) throw invalid("tags on policies are not supported");
			const p = policies.create(c.params.policyName, bodyString(c, "policyDocument", true), ctx.clock.now());
			return { policyName: p.name, policyArn: policyArn(p.name), policyDocument: p.document, policyVersionId: "1" };
		},
		"GET /policies/{policyName}": (c) => getPolicy(policies, c.params.policyName),
		"GET /policies": (c) => {
			const names = policies.list();
			const { items, nextMarker } = markerPage(c, c.query.get("isAscendingOrder") === "false" ? names.reverse() : names);
			return { policies: identifiers(items), nextMarker };
		},
		"DELETE /policies/{policyName}": (c) => (policies.delete(c.params.policyName), {}),
		"PUT /target-policies/{policyName}": (c) => (policies.attach(c.params.policyName, groupOf(bodyString(c, "target", true))), {}),
		"POST /target-policies/{policyName}": (c) => (policies.detach(c.params.policyName, groupOf(bodyString(c, "target", true))), {}),
		"POST /attached-policies/{target}": (c) => {
			const { items, nextMarker } = markerPage(c, policies.attachedTo(groupOf(c.params.target)));
			return { policies: identifiers(items), nextMarker };
		},
		"POST /policy-targets/{policyName}": (c) => {
			if (!policies.get(c.params.policyName)) throw notFound(`policy ${c.params.policyName} does not exist`);
			const { items, nextMarker } = markerPage(c, policies.targets(c.params.policyName).map(thingGroupArn));
			return { targets: items, nextMarker };
		},
	};
}
