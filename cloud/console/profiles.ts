/*
 * profiles — security profiles for the console through the very handlers of the AWS API routes
 * (cloud/api/routes-profiles.ts): same registry calls, version bookkeeping, errors and validation
 * messages as the SDK gets. Only the shapes around them change (times in ms, targets inline, paging).
 */
import { ALL_THINGS_ARN, thingGroupArn } from "../detect/registry";
import { profileRoutes } from "../api/routes-profiles";
import type { Call, Routes } from "../api/router";
import type { ConsoleContext } from "./context";
import { badRequest } from "./http";
import { searchFilter, sortAndPage, type Paged, type Query } from "./list";

type Described = Record<string, unknown> & { securityProfileName: string; version: number; creationDate?: number; lastModifiedDate?: number; targets?: string[] };

function call(routes: Routes, pattern: string, params: Record<string, string>, body: Record<string, unknown> = {}, query: [string, string][] = []): object {
	const handler = routes[pattern];
	return handler({ params, query: new Map(query), body, headers: {} } satisfies Call);
}

const toMs = (s: unknown): number | null => (typeof s === "number" ? Math.round(s * 1000) : null);

function versionQuery(q: Query): [string, string][] {
	const v = q.get("expectedVersion");
	return v === null || v === "" ? [] : [["expectedVersion", v]];
}

function targetsOf(ctx: ConsoleContext, name: string): string[] {
	return ctx.api.registry.listSecurityProfiles().find((p) => p.securityProfileName === name)?.targets ?? [];
}

export class ProfileActions {
	readonly #ctx: ConsoleContext;
	readonly #routes: Routes;

	constructor(ctx: ConsoleContext) {
		this.#ctx = ctx;
		this.#routes = profileRoutes(ctx.api);
	}

	list(q: Query): Paged<object> {
		const search = searchFilter<Described>(q, (p) => [p.securityProfileName, String(p.securityProfileDescription ?? "")]);
		const all = this.#ctx.api.registry
			.listSecurityProfiles()
			.map((p) => this.#describe(p.securityProfileName))
			.filter(search)
			.map((p) => ({
				securityProfileName: p.securityProfileName,
				securityProfileDescription: p.securityProfileDescription ?? null,
				behaviors: Array.isArray(p.behaviors) ? p.behaviors.length : 0,
				targets: p.targets ?? [],
				version: p.version,
				lastModifiedDate: p.lastModifiedDate ?? null,
			}));
		return sortAndPage(q, all, { securityProfileName: (p) => p.securityProfileName, lastModifiedDate: (p) => p.lastModifiedDate }, "securityProfileName", (p) => p.securityProfileName);
	}

	describe(name: string): object {
		return this.#describe(name);
	}

	create(body: Record<string, unknown>): object {
		const name = body.securityProfileName;
		if (typeof name !== "string" || name === "") throw badRequest("securityProfileName is required");
		const { securityProfileName: _n, ...rest } = body;
		return call(this.#routes, "POST /security-profiles/{securityProfileName}", { securityProfileName: name }, rest);
	}

	update(name: string, body: Record<string, unknown>, q: Query): object {
		call(this.#routes, "PATCH /security-profiles/{securityProfileName}", { securityProfileName: name }, body, versionQuery(q));
		return this.#describe(name);
	}

	remove(name: string, q: Query): object {
		return call(this.#routes, "DELETE /security-profiles/{securityProfileName}", { securityProfileName: name }, {}, versionQuery(q));
	}

	target(name: string, body: Record<string, unknown>, attach: boolean): object {
		const arn = body.targetArn;
		if (typeof arn !== "string" || arn === "") throw badRequest("targetArn is required");
		const method = attach ? "PUT" : "DELETE";
		return call(this.#routes, `${method} /security-profiles/{securityProfileName}/targets`, { securityProfileName: name }, {}, [["securityProfileTargetArn", arn]]);
	}

	validate(body: Record<string, unknown>): object {
		return call(this.#routes, "POST /security-profile-behaviors/validate", {}, { behaviors: body.behaviors });
	}

	targets(): object {
		const groups = this.#ctx.api.registry.listThingGroups().sort();
		return { allThings: ALL_THINGS_ARN, groups: groups.map((g) => ({ name: g, arn: thingGroupArn(g), things: this.#ctx.api.registry.thingsInGroup(g).length })) };
	}

	#describe(name: string): Described {
		const d = call(this.#routes, "GET /security-profiles/{securityProfileName}", { securityProfileName: name }) as Described;
		return { ...d, creationDate: toMs(d.creationDate) ?? undefined, lastModifiedDate: toMs(d.lastModifiedDate) ?? undefined, targets: targetsOf(this.#ctx, name) };
	}
}
