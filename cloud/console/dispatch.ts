/*
 * dispatch — one console request: static files for /console/…, login without a session, and for every
 * other /console/api/… path the session check (401), the CSRF check on state changes (403), then the
 * event stream or the JSON endpoint. Errors become {error, message}; AWS API errors keep their type.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { toApiError } from "../api/errors";
import { checkCsrf, checkOrigin, describeSession, login, logout, requireSession, type AuthDeps } from "./auth";
import { ConsoleError, readJson, sendError, sendJson } from "./http";
import { API_PREFIX, matchRoute, type ConsoleHandler } from "./routes";
import type { StaticFiles } from "./static";
import type { EventStream } from "./stream";

export interface DispatchDeps {
	auth: AuthDeps;
	routes: Record<string, ConsoleHandler>;
	files: StaticFiles;
	stream: EventStream;
	log: (s: string) => void;
}

const pathOf = (url: string): string => url.split("?")[0];

export function isConsolePath(url: string): boolean {
	const p = pathOf(url);
	return p === "/console" || p.startsWith("/console/");
}

function asConsoleError(e: unknown, log: (s: string) => void, what: string): ConsoleError {
	if (e instanceof ConsoleError) return e;
	const api = toApiError(e);
	if (api.status === 500) log(`console: ${what}: ${(e as Error).stack ?? String(e)}`);
	return new ConsoleError(api.status, api.type, api.message);
}

async function api(d: DispatchDeps, req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void> {
	checkOrigin(req);
	if (path === "/login" && method === "POST") return login(d.auth, req, res);
	const session = requireSession(d.auth, req);
	checkCsrf(req, session);
	if (path === "/session" && method === "GET") return sendJson(res, 200, describeSession(session));
	if (path === "/logout" && method === "POST") {
		req.resume();
		d.stream.endSession(session.id);
		return logout(d.auth, session, res);
	}
	if (path === "/events" && method === "GET") return d.stream.open(req, res, session.id, () => stillValid(d, req));
	const { handler, params } = matchRoute(d.routes, method, path);
	const body = method === "GET" || method === "HEAD" ? (req.resume(), {}) : await readJson(req);
	sendJson(res, 200, await handler({ params, query, body }));
}

function stillValid(d: DispatchDeps, req: IncomingMessage): boolean {
	try {
		requireSession(d.auth, req);
		return true;
	} catch {
		return false;
	}
}

export async function dispatch(d: DispatchDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const url = req.url ?? "/";
	const method = req.method ?? "GET";
	const path = pathOf(url);
	try {
		if (path !== API_PREFIX && !path.startsWith(API_PREFIX + "/")) {
			req.resume();
			return d.files.serve(req, res, path);
		}
		const q = url.indexOf("?");
		await api(d, req, res, method, path.slice(API_PREFIX.length), new URLSearchParams(q < 0 ? "" : url.slice(q + 1)));
	} catch (e) {
		if (!res.headersSent && !res.destroyed) req.resume();
		sendError(res, asConsoleError(e, d.log, `${method} ${path}`));
	}
}
