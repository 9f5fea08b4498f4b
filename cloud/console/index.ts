/*
 * console — the web console's server side (docs/console.md), served by the API's HTTP(S) server under
 * /console/: static files from `staticRoot`, login with an API access key, JSON endpoints and the live
 * event stream over the running cloud. startConsole() wires it; buildConsole() bundles the front-end.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiContext } from "../api/context";
import type { CloudStore } from "../store";
import { Activity } from "./activity";
import type { ConsoleContext } from "./context";
import { dispatch, isConsolePath } from "./dispatch";
import type { ConsoleReads } from "./persisted";
import { LoginLimiter } from "./rate-limit";
import { consoleRoutes } from "./routes";
import { SessionStore } from "./sessions";
import { StaticFiles } from "./static";
import { EventStream } from "./stream";

export { buildConsole, type BuildOptions, type BuildResult } from "./build";
export { consoleRoutes, SPECIAL_ENDPOINTS, API_PREFIX } from "./routes";

/** The repository's default static root (git-ignored build output). */
export const DEFAULT_STATIC_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../build/console");

export interface ConsoleOptions {
	/** folder with index.html and the bundle (default build/console of the repository) */
	staticRoot?: string;
	/** session lifetime (default 12 h) */
	sessionTtlMs?: number;
	/** wall clock for sessions and login limits (default Date.now) */
	now?: () => number;
	/** failed logins per address before 429 (default 5) within loginWindowMs (default 60 s) */
	loginFailures?: number;
	loginWindowMs?: number;
	/** event stream heartbeat (default 15 s) */
	heartbeatMs?: number;
}

export interface ConsoleDeps {
	api: ApiContext;
	/** the process's SQLite store (console sessions) */
	store: CloudStore;
	/** what the console reads of the per-thing tables and the history (SQLite or PostgreSQL: persisted.ts) */
	reads: ConsoleReads;
	/** the secret of an active API access key */
	secretOf: (accessKeyId: string) => string | undefined;
	/** the server is HTTPS: the cookie gets Secure */
	https: boolean;
	log: (s: string) => void;
}

export interface WebConsole {
	accepts(path: string): boolean;
	handle(req: IncomingMessage, res: ServerResponse): void;
	/** open event streams */
	streams(): number;
	close(): void;
}

export function startConsole(deps: ConsoleDeps, options: ConsoleOptions = {}): WebConsole {
	const db = deps.store.database;
	const now = options.now ?? Date.now;
	const activity = new Activity();
	const ctx: ConsoleContext = { api: deps.api, activity, persisted: deps.reads };
	const stream = new EventStream(now, options.heartbeatMs);
	deps.api.cloud.observe(activity);
	deps.api.cloud.onConnection((thing, connected, ip) => activity.connection(thing, connected, deps.api.clock.now(), ip));
	activity.onEvent((e) => {
		if (e.kind === "report") stream.broadcast("report", { thingName: e.thingName, time: e.entry.time, format: e.entry.format, reportId: e.entry.reportId, status: e.entry.status, errorCode: e.entry.errorCode, errorMessage: e.entry.errorMessage });
		else stream.broadcast("connection", { thingName: e.thingName, connected: e.connected, time: e.time, sourceIp: e.sourceIp });
	});
	deps.api.cloud.onViolationEvent((e) => stream.broadcast("violation", e));
	deps.api.cloud.onAlert((a) => stream.broadcast("alarm", a));
	const sessions = new SessionStore(db, options.sessionTtlMs ?? 12 * 3_600_000, (id) => deps.secretOf(id) !== undefined);
	const d = {
		auth: { sessions, limiter: new LoginLimiter(options.loginFailures ?? 5, options.loginWindowMs ?? 60_000), secretOf: deps.secretOf, now, secureCookie: deps.https },
		routes: consoleRoutes(ctx),
		files: new StaticFiles(options.staticRoot ?? DEFAULT_STATIC_ROOT),
		stream,
		log: deps.log,
	};
	return {
		accepts: isConsolePath,
		handle: (req, res) => void dispatch(d, req, res),
		streams: () => stream.size,
		close: () => stream.close(),
	};
}
