/*
 * api — the console's calls to the cloud under /console/api/… (docs/console.md). A 401 from any call
 * sends the page to the login view.
 */
import { setServerTime } from "./dom";

export const BASE = "/console/api";

export class ApiError extends Error {
	constructor(readonly status: number, message: string, readonly body: unknown) {
		super(message);
	}
}

let onUnauthorized: () => void = () => {};
let csrfToken = "";
/** the session's CSRF token (from login or GET /session), sent on every state change */
export function setCsrf(token: string): void {
	csrfToken = token;
}
export function whenUnauthorized(cb: () => void): void {
	onUnauthorized = cb;
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
	const res = await fetch(BASE + path, {
		method,
		credentials: "same-origin",
		headers: {
			...(body === undefined ? {} : { "content-type": "application/json" }),
			...(method === "GET" ? {} : { "x-csrf-token": csrfToken }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	let data: unknown = undefined;
	try {
		data = text ? JSON.parse(text) : undefined;
	} catch {
		data = text;
	}
	if (res.status === 401 && path !== "/login") onUnauthorized();
	if (!res.ok) throw new ApiError(res.status, errorMessage(data) ?? `${res.status} ${res.statusText}`, data);
	return data as T;
}

function errorMessage(data: unknown): string | undefined {
	if (!data || typeof data !== "object") return typeof data === "string" && data ? data : undefined;
	const o = data as Record<string, unknown>;
	const m = o.message ?? o.error ?? o.Message;
	return typeof m === "string" ? m : undefined;
}

export const get = <T>(path: string) => call<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => call<T>("POST", path, body ?? {});
export const patch = <T>(path: string, body?: unknown) => call<T>("PATCH", path, body ?? {});
export const del = <T>(path: string) => call<T>("DELETE", path);

/** a paged list's answer */
export interface Page<T> {
	total: number;
	offset: number;
	limit: number;
	items: T[];
}

export const q = (o: Record<string, string | number | undefined>): string => {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== "") p.set(k, String(v));
	const s = p.toString();
	return s ? `?${s}` : "";
};
export const enc = encodeURIComponent;

/** GET /overview */
export interface Overview {
	things: number;
	connected: number;
	reportsAcceptedLastMinute: number;
	reportsRejectedLastMinute: number;
	activeViolations: number;
	time: number;
}

/** The fleet's counters and the cloud's current time, remembered for "… ago" texts. */
export async function overview(): Promise<Overview> {
	const o = await get<Overview>("/overview");
	setServerTime(o.time);
	return o;
}

/** The cloud's current time (GET /overview). */
export async function cloudTime(): Promise<number> {
	return (await overview()).time;
}
