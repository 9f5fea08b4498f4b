/*
 * router — REST-JSON routing: "METHOD /literal/{label}/…" patterns to handlers. A handler gets the decoded
 * path labels, the query parameters and the parsed JSON body, and returns the JSON response body.
 * Literal segments win over labels, so PUT /thing-groups/addThingToThingGroup is not a group name.
 */
import { ApiError } from "./errors";

export interface Call {
	params: Record<string, string>;
	query: Map<string, string>;
	body: Record<string, unknown>;
	headers: Record<string, string | string[] | undefined>;
}

/** Returns the response body, or a promise of it (reads of a server database). */
export type Handler = (call: Call) => object | Promise<object>;

export type Routes = Record<string, Handler>;

interface Route {
	method: string;
	segments: string[];
	handler: Handler;
}

function decode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		throw new ApiError(400, "InvalidRequestException", `malformed percent-encoding in "${s}"`);
	}
}

export function parseQuery(raw: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const part of raw.split("&")) {
		if (part === "") continue;
		const eq = part.indexOf("=");
		out.set(decode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? "" : decode(part.slice(eq + 1)));
	}
	return out;
}

export class Router {
	readonly #routes: Route[] = [];

	add(routes: Routes): this {
		for (const [pattern, handler] of Object.entries(routes)) {
			const [method, path] = pattern.split(" ");
			this.#routes.push({ method, segments: path.split("/").slice(1), handler });
		}
		// literal segments before labels, position by position
		const rank = (r: Route): string => r.segments.map((s) => (s.startsWith("{") ? "1" : "0")).join("");
		this.#routes.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
		return this;
	}

	/** The handler and decoded labels for a request, or an UnknownOperationException. */
	match(method: string, rawPath: string): { handler: Handler; params: Record<string, string> } {
		const parts = rawPath.split("/").slice(1);
		for (const r of this.#routes) {
			if (r.method !== method || r.segments.length !== parts.length) continue;
			const params: Record<string, string> = {};
			const ok = r.segments.every((s, i) => {
				if (!s.startsWith("{")) return s === parts[i];
				const value = decode(parts[i]);
				params[s.slice(1, -1)] = value;
				return value !== "";
			});
			if (ok) return { handler: r.handler, params };
		}
		throw new ApiError(404, "UnknownOperationException", `no operation for ${method} ${rawPath}`);
	}
}
