/*
 * auth — console login with an API access key (id + secret) → session cookie; logout; the session and
 * CSRF checks every /console/api/ request passes (docs/console.md "Login and session").
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ConsoleError, cookie, header, readJson, sendJson, unauthorized } from "./http";
import type { LoginLimiter } from "./rate-limit";
import { sameSecret, type Session, type SessionStore } from "./sessions";

export const COOKIE = "dd_console";
export const CSRF_HEADER = "x-csrf-token";
const BAD_LOGIN = "unknown access key id or wrong secret";

export interface AuthDeps {
	sessions: SessionStore;
	limiter: LoginLimiter;
	/** the secret of an active access key */
	secretOf: (accessKeyId: string) => string | undefined;
	/** wall clock, epoch ms */
	now: () => number;
	secureCookie: boolean;
}

function setCookie(d: AuthDeps, value: string, maxAgeSeconds: number): string {
	return `${COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${d.secureCookie ? "; Secure" : ""}`;
}

const sessionBody = (s: Session): object => ({ accessKeyId: s.accessKeyId, csrfToken: s.csrfToken, expiresAt: s.expiresAt });

export async function login(d: AuthDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const address = req.socket.remoteAddress ?? "unknown";
	const now = d.now();
	const wait = d.limiter.retryAfter(address, now);
	if (wait > 0) {
		req.resume();
		throw new ConsoleError(429, "TooManyRequests", "too many failed logins; try again later", { "retry-after": String(Math.ceil(wait / 1000)) });
	}
	if (!(header(req, "content-type") ?? "").startsWith("application/json")) {
		req.resume();
		throw new ConsoleError(415, "UnsupportedMediaType", "login takes a JSON body (content-type: application/json)");
	}
	const body = await readJson(req);
	const id = typeof body.accessKeyId === "string" ? body.accessKeyId : "";
	const secret = typeof body.secretAccessKey === "string" ? body.secretAccessKey : "";
	const known = d.secretOf(id);
	// compare even for an unknown id, so timing does not tell which ids exist
	const ok = sameSecret(known ?? "\u0000unknown", secret) && known !== undefined;
	if (!ok) {
		d.limiter.failed(address, now);
		throw unauthorized(BAD_LOGIN);
	}
	d.limiter.succeeded(address);
	const { token, session } = d.sessions.open(id, now);
	sendJson(res, 200, sessionBody(session), { "set-cookie": setCookie(d, token, Math.floor(d.sessions.ttlMs / 1000)) });
}

/** The request's live session, or a 401. */
export function requireSession(d: AuthDeps, req: IncomingMessage): Session {
	const s = d.sessions.find(cookie(req, COOKIE), d.now());
	if (!s) throw unauthorized();
	return s;
}

const SAFE = new Set(["GET", "HEAD"]);

/** A browser's Origin on a state change must be this server (defense in depth; absent for non-browser clients). */
export function checkOrigin(req: IncomingMessage): void {
	if (SAFE.has(req.method ?? "GET")) return;
	const origin = header(req, "origin");
	if (origin === undefined) return;
	let host: string;
	try {
		host = new URL(origin).host;
	} catch {
		host = "";
	}
	if (host !== header(req, "host")) throw new ConsoleError(403, "Forbidden", `cross-origin request from ${origin} refused`);
}

/** State-changing methods need the session's CSRF token in the x-csrf-token header. */
export function checkCsrf(req: IncomingMessage, s: Session): void {
	if (SAFE.has(req.method ?? "GET")) return;
	const sent = header(req, CSRF_HEADER);
	if (sent === undefined || !sameSecret(sent, s.csrfToken)) throw new ConsoleError(403, "Forbidden", `missing or wrong ${CSRF_HEADER} header`);
}

export function logout(d: AuthDeps, s: Session, res: ServerResponse): void {
	d.sessions.close(s.id);
	sendJson(res, 200, {}, { "set-cookie": setCookie(d, "", 0) });
}

export function describeSession(s: Session): object {
	return sessionBody(s);
}
