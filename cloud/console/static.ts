/*
 * static — the console's static files from a build folder: `/console/` is index.html, paths without a
 * dot are client-side routes (index.html), files get their content type, hashed names are cached for a
 * year, everything else revalidates with an ETag. Paths cannot leave the root. Public: no data here.
 */
import { createHash } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { SECURITY_HEADERS } from "./http";

export const CONTENT_TYPES: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".json": "application/json; charset=utf-8",
	".map": "application/json; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
	".ico": "image/x-icon",
	".woff2": "font/woff2",
	".txt": "text/plain; charset=utf-8",
};

/** esbuild's [name]-[hash] names: 8 upper-case base32 characters before the extension. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
	res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...extra });
	res.end(text);
}

export class StaticFiles {
	readonly #root: string;

	constructor(root: string) {
		this.#root = resolve(root);
	}

	get root(): string {
		return this.#root;
	}

	/** Serves GET/HEAD `path` (below /console, already decoded of the query). */
	serve(req: IncomingMessage, res: ServerResponse, path: string): void {
		if (req.method !== "GET" && req.method !== "HEAD") return plain(res, 405, "method not allowed\n", { allow: "GET, HEAD" });
		if (path === "/console") return plain(res, 301, "moved\n", { location: "/console/" });
		let rel: string;
		try {
			rel = decodeURIComponent(path.slice("/console/".length));
		} catch {
			return plain(res, 400, "malformed path\n");
		}
		if (rel === "" || !rel.split("/").at(-1)?.includes(".")) rel = "index.html";
		const file = this.#resolve(rel);
		if (!file) return plain(res, 404, rel === "index.html" ? `console not built: no index.html in ${this.#root}\n` : "not found\n");
		this.#send(req, res, file);
	}

	#resolve(rel: string): string | undefined {
		if (rel.includes("\0") || rel.split(/[\\/]/).includes("..")) return undefined;
		const candidate = join(this.#root, rel);
		try {
			const real = realpathSync(candidate);
			const root = realpathSync(this.#root);
			if (!real.startsWith(root + sep) || !statSync(real).isFile()) return undefined;
			return real;
		} catch {
			return undefined;
		}
	}

	#send(req: IncomingMessage, res: ServerResponse, file: string): void {
		const body = readFileSync(file);
		const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
		const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
		const cache = HASHED.test(file) ? "public, max-age=31536000, immutable" : "no-cache";
		const headers = { ...SECURITY_HEADERS, "content-type": type, "cache-control": cache, etag };
		if (req.headers["if-none-match"] === etag) {
			res.writeHead(304, headers);
			return void res.end();
		}
		res.writeHead(200, { ...headers, "content-length": body.length });
		res.end(req.method === "HEAD" ? undefined : body);
	}
}
