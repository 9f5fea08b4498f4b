/*
 * routes — the console's JSON endpoints under /console/api/ ("METHOD /path/{label}" → handler), and the
 * matcher. Every one of them needs a session (the dispatcher checks before matching); login is outside.
 */
import type { ConsoleContext } from "./context";
import { fleet, overview } from "./fleet";
import { badRequest, ConsoleError } from "./http";
import type { Query } from "./list";
import { ProfileActions } from "./profiles";
import { metricHistory, thingDetail } from "./thing";
import { activeList, clear, history, verify } from "./violations";

export const API_PREFIX = "/console/api";

export interface Request {
	params: Record<string, string>;
	query: Query;
	body: Record<string, unknown>;
}

export type ConsoleHandler = (r: Request) => object | Promise<object>;

/** The endpoints served by the dispatcher itself (session, logout, event stream), listed for docs and tests. */
export const SPECIAL_ENDPOINTS = ["POST /console/api/login", "POST /console/api/logout", "GET /console/api/session", "GET /console/api/events"];

export function consoleRoutes(ctx: ConsoleContext): Record<string, ConsoleHandler> {
	const profiles = new ProfileActions(ctx);
	return {
		"GET /overview": () => overview(ctx),
		"GET /fleet": (r) => fleet(ctx, r.query),
		"GET /things/{thingName}": (r) => thingDetail(ctx, r.params.thingName),
		"GET /things/{thingName}/metrics/{metricName}": (r) => metricHistory(ctx, r.params.thingName, r.params.metricName, r.query),
		"GET /profiles": (r) => profiles.list(r.query),
		"POST /profiles": (r) => profiles.create(r.body),
		"GET /profiles/{name}": (r) => profiles.describe(r.params.name),
		"PATCH /profiles/{name}": (r) => profiles.update(r.params.name, r.body, r.query),
		"DELETE /profiles/{name}": (r) => profiles.remove(r.params.name, r.query),
		"POST /profiles/{name}/attach": (r) => profiles.target(r.params.name, r.body, true),
		"POST /profiles/{name}/detach": (r) => profiles.target(r.params.name, r.body, false),
		"POST /validate-behaviors": (r) => profiles.validate(r.body),
		"GET /targets": () => profiles.targets(),
		"GET /violations/active": (r) => activeList(ctx, r.query),
		"GET /violations/history": (r) => history(ctx, r.query),
		"POST /violations/{violationId}/clear": (r) => clear(ctx, r.params.violationId),
		"POST /violations/{violationId}/verification": (r) => verify(ctx, r.params.violationId, r.body),
	};
}

function decode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		throw badRequest(`malformed percent-encoding in "${s}"`);
	}
}

/** The handler and path labels of `method path` (path below /console/api), or a 404. */
export function matchRoute(routes: Record<string, ConsoleHandler>, method: string, path: string): { handler: ConsoleHandler; params: Record<string, string> } {
	const parts = path.split("/").slice(1);
	let pathMatched = false;
	for (const [pattern, handler] of Object.entries(routes)) {
		const [m, p] = pattern.split(" ");
		const segments = p.split("/").slice(1);
		if (segments.length !== parts.length) continue;
		const params: Record<string, string> = {};
		const ok = segments.every((s, i) => {
			if (!s.startsWith("{")) return s === parts[i];
			params[s.slice(1, -1)] = decode(parts[i]);
			return parts[i] !== "";
		});
		if (!ok) continue;
		if (m === method) return { handler, params };
		pathMatched = true;
	}
	if (pathMatched) throw new ConsoleError(405, "MethodNotAllowed", `${method} is not allowed on ${API_PREFIX}${path}`);
	throw new ConsoleError(404, "NotFound", `no console endpoint ${method} ${API_PREFIX}${path}`);
}
