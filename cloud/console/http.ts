/*
 * http — the console's HTTP plumbing: JSON answers and errors ({error, message} with a status), bounded
 * JSON request bodies, cookies, and the security headers every console response carries.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Console request bodies above this are refused (a profile of 100 behaviors is far smaller). */
const MAX_BODY_BYTES = 256 * 1024;

export const SECURITY_HEADERS: Record<string, string> = {
	"content-security-policy":
		"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
	"x-content-type-options": "nosniff",
	"referrer-policy": "no-referrer",
	"x-frame-options": "DENY",
};

export class ConsoleError extends Error {
	readonly status: number;
	readonly type: string;
	readonly headers: Record<string, string>;

	constructor(status: number, type: string, message: string, headers: Record<string, string> = {}) {
		super(message);
		this.status = status;
		this.type = type;
		this.headers = headers;
	}
}

export const badRequest = (message: string): ConsoleError => new ConsoleError(400, "BadRequest", message);
export const notFound = (message: string): ConsoleError => new ConsoleError(404, "NotFound", message);
export const unauthorized = (message = "log in first"): ConsoleError => new ConsoleError(401, "Unauthorized", message);

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		...SECURITY_HEADERS,
		"content-type": "application/json; charset=utf-8",
		"content-length": Buffer.byteLength(text),
		"cache-control": "no-store",
		...headers,
	});
	res.end(text);
}

export function sendError(res: ServerResponse, e: ConsoleError): void {
	if (res.headersSent || res.destroyed) return;
	sendJson(res, e.status, { error: e.type, message: e.message }, e.headers);
}

export function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let refused = false;
		req.on("data", (c: Buffer) => {
			size += c.length;
			if (size > MAX_BODY_BYTES && !refused) {
				refused = true;
				reject(new ConsoleError(413, "PayloadTooLarge", `request body larger than ${MAX_BODY_BYTES} bytes`));
				req.resume();
			} else if (!refused) chunks.push(c);
		});
		req.on("end", () => {
			if (refused) return;
			try {
				resolve(parseObject(Buffer.concat(chunks)));
			} catch (e) {
				reject(e);
			}
		});
		req.on("error", reject);
	});
}

function parseObject(body: Buffer): Record<string, unknown> {
	if (body.length === 0) return {};
	let v: unknown;
	try {
		v = JSON.parse(body.toString("utf8"));
	} catch {
		throw badRequest("request body is not valid JSON");
	}
	if (typeof v !== "object" || v === null || Array.isArray(v)) throw badRequest("request body must be a JSON object");
	return v as Record<string, unknown>;
}

/** Drains a body nobody reads (GET/DELETE), so the connection stays usable. */
export function discardBody(req: IncomingMessage): void {
	req.resume();
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
	for (const part of (req.headers.cookie ?? "").split(";")) {
		const eq = part.indexOf("=");
		if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
	}
	return undefined;
}

export function header(req: IncomingMessage, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}
