/* Web console server: static files, login with an API access key, sessions (hashed, expiring, logout), CSRF, 401 everywhere without a session, login rate limit, and no collision with the AWS API. */
import { ListSecurityProfilesCommand } from "@aws-sdk/client-iot";
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { request } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiContext } from "../../cloud/api/context";
import { certificateRoutes } from "../../cloud/api/routes-certs";
import { profileRoutes } from "../../cloud/api/routes-profiles";
import { tagRoutes } from "../../cloud/api/routes-tags";
import { thingRoutes } from "../../cloud/api/routes-things";
import { violationRoutes } from "../../cloud/api/routes-violations";
import { consoleRoutes, SPECIAL_ENDPOINTS } from "../../cloud/console/index";
import type { ConsoleContext } from "../../cloud/console/context";
import { tempDir } from "../helpers/cloud-setup";
import { INDEX_HTML, startConsoleCloud, type ConsoleFixture } from "../helpers/console-setup";

let fixtures: ConsoleFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

async function start(consoleOptions: Record<string, unknown> = {}): Promise<ConsoleFixture> {
	const f = await startConsoleCloud({}, consoleOptions);
	fixtures.push(f);
	return f;
}

function rawStatus(base: string, path: string): Promise<number | undefined> {
	return new Promise((resolve, reject) => {
		const req = request(base + "/", { path }, (res) => (res.resume(), resolve(res.statusCode)));
		req.on("error", reject);
		req.end();
	});
}

/** Every console API endpoint, with its labels filled in. */
function allEndpoints(): [string, string][] {
	const table = Object.keys(consoleRoutes({} as ConsoleContext)).map((p) => {
		const [m, path] = p.split(" ");
		return [m, "/console/api" + path.replace(/\{[^}]+\}/g, "x")] as [string, string];
	});
	return [...table, ...SPECIAL_ENDPOINTS.filter((e) => !e.endsWith("/login")).map((e) => e.split(" ") as [string, string]), ["GET", "/console/api/no-such-endpoint"]];
}

describe("console static files", () => {
	it("serves index.html at /console/ and for client routes, files with their types and caching, and nothing outside the root", async () => {
		const f = await start();
		const get = (p: string, h: Record<string, string> = {}): Promise<Response> => fetch(f.api.url + p, { headers: h, redirect: "manual" });
		const root = await get("/console/");
		expect([root.status, root.headers.get("content-type"), await root.text()]).toEqual([200, "text/html; charset=utf-8", INDEX_HTML]);
		expect(root.headers.get("cache-control")).toBe("no-cache");
		expect(root.headers.get("content-security-policy")).toContain("default-src 'self'");
		expect(root.headers.get("x-content-type-options")).toBe("nosniff");
		expect((await get("/console/fleet/some-thing")).status).toBe(200);
		const bare = await get("/console");
		expect([bare.status, bare.headers.get("location")]).toEqual([301, "/console/"]);

		const js = await get("/console/main-ABCD1234.js");
		expect([js.status, js.headers.get("content-type"), js.headers.get("cache-control")]).toEqual([200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"]);
		const css = await get("/console/style.css");
		expect([css.headers.get("content-type"), css.headers.get("cache-control")]).toEqual(["text/css; charset=utf-8", "no-cache"]);
		const etag = css.headers.get("etag") ?? "";
		expect((await get("/console/style.css", { "if-none-match": etag })).status).toBe(304);
		expect((await get("/console/img/logo.svg")).headers.get("content-type")).toBe("image/svg+xml");

		// fetch would normalize the dots away: send the raw paths
		for (const p of ["/console/../secret.txt", "/console/%2e%2e/secret.txt", "/console/img/%2e%2e/%2e%2e/secret.txt", "/console/img/..%2f..%2fsecret.txt", "/console/nope.js"]) {
			expect(await rawStatus(f.api.url, p), p).toBe(404);
		}
		expect((await fetch(f.api.url + "/console/style.css", { method: "POST" })).status).toBe(405);
	});

	it("has a prefix no AWS IoT API route uses", () => {
		const ctx = {} as ApiContext;
		const patterns = [profileRoutes, violationRoutes, thingRoutes, certificateRoutes, tagRoutes].flatMap((r) => Object.keys(r(ctx)));
		expect(patterns.length).toBeGreaterThan(30);
		for (const p of patterns) expect(p.split(" ")[1].split("/")[1], p).not.toMatch(/^(console|\{)/);
	});

	it("leaves the AWS API untouched: SigV4 calls still work and /console is never routed to the API", async () => {
		const f = await start();
		expect((await f.iot.send(new ListSecurityProfilesCommand({}))).securityProfileIdentifiers).toEqual([]);
		const res = await fetch(f.api.url + "/console/api/fleet");
		expect(res.headers.get("x-amzn-errortype")).toBeNull();
		expect(await res.json()).toEqual({ error: "Unauthorized", message: "log in first" });
		// and an API path outside /console still demands a signature
		expect((await fetch(f.api.url + "/security-profiles")).headers.get("x-amzn-errortype")).toMatch(/^MissingAuthenticationToken|^AccessDenied|^InvalidSignature|^UnrecognizedClient|^IncompleteSignature/);
	});
});

describe("console login", () => {
	it("logs in with the cloud's access key: HttpOnly SameSite=Strict cookie holding a 256-bit token stored only hashed", async () => {
		const dataDir = tempDir("console-data-");
		const f = await startConsoleCloud({ dataDir });
		fixtures.push(f);
		const c = f.client();
		const ok = await c.login();
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({ accessKeyId: f.api.accessKey.accessKeyId, expiresAt: f.wall.now + 12 * 3_600_000 });
		const set = ok.headers.getSetCookie()[0];
		expect(set).toMatch(/^dd_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=43200$/);
		const token = (c.cookie ?? "").split("=")[1];
		const db = new Database(join(dataDir, "cloud.sqlite"), { readonly: true });
		const stored = db.prepare("SELECT * FROM console_sessions").all() as { hash: string }[];
		db.close();
		expect(stored).toHaveLength(1);
		expect(stored[0].hash).toBe(createHash("sha256").update(token).digest("hex"));
		expect(JSON.stringify(stored)).not.toContain(token);
		const me = await c.get("/session");
		expect([me.status, me.body.csrfToken]).toEqual([200, c.csrf]);

		// a deactivated access key ends its sessions and can no longer log in
		const admin = new Database(join(dataDir, "cloud.sqlite"));
		admin.prepare("UPDATE api_keys SET active = 0 WHERE id = ?").run(f.api.accessKey.accessKeyId);
		admin.close();
		expect((await c.get("/session")).status).toBe(401);
		expect((await f.client().login()).status).toBe(401);
	});

	it("refuses a wrong secret and an unknown id alike, a non-JSON login, and rate-limits failures per address", async () => {
		const f = await start();
		const c = f.client();
		const bad = await c.login("wrong-secret");
		expect([bad.status, bad.body.error]).toEqual([401, "Unauthorized"]);
		expect(bad.headers.getSetCookie()).toEqual([]);
		const unknown = await c.login(f.api.accessKey.secretAccessKey, "AKIAUNKNOWNUNKNOWN00");
		expect([unknown.status, unknown.body.message]).toEqual([401, bad.body.message]);
		const form = await fetch(`${f.api.url}/console/api/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "accessKeyId=a&secretAccessKey=b" });
		expect(form.status).toBe(415);
		for (let i = 0; i < 3; i++) expect((await c.login("wrong")).status).toBe(401);
		const limited = await c.login();
		expect([limited.status, limited.body.error]).toEqual([429, "TooManyRequests"]);
		expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
		f.wall.now += 61_000;
		expect((await c.login()).status).toBe(200);
	});

	it("answers 401 on every console API endpoint and the event stream without a valid session", async () => {
		const f = await start();
		const endpoints = allEndpoints();
		expect(endpoints.length).toBeGreaterThan(20);
		for (const cookie of [undefined, "dd_console=" + "A".repeat(43), "dd_console=garbage"]) {
			for (const [method, path] of endpoints) {
				const res = await fetch(f.api.url + path, { method, headers: { ...(cookie ? { cookie } : {}), "x-csrf-token": "x", "content-type": "application/json" }, body: method === "GET" ? undefined : "{}" });
				expect([method, path, res.status], String(cookie)).toEqual([method, path, 401]);
				expect(await res.json()).toMatchObject({ error: "Unauthorized" });
			}
		}
	});

	it("refuses state changes without the CSRF header or with another session's token", async () => {
		const f = await start();
		const [a, b] = [f.client(), f.client()];
		await a.login();
		await b.login();
		const body = { behaviors: [] };
		expect((await a.call("POST", "/validate-behaviors", body, { csrf: false })).status).toBe(403);
		const other = await a.call("POST", "/validate-behaviors", body, { csrf: b.csrf });
		expect([other.status, other.body.error]).toEqual([403, "Forbidden"]);
		expect((await a.call("POST", "/logout", undefined, { csrf: false })).status).toBe(403);
		expect((await a.call("POST", "/validate-behaviors", body)).status).toBe(200);
		expect((await a.get("/fleet")).status).toBe(200);
		// a browser's cross-origin POST is refused even with the right token; the same origin passes
		const post = (origin: string): Promise<Response> =>
			fetch(`${f.api.url}/console/api/validate-behaviors`, { method: "POST", headers: { cookie: a.cookie ?? "", "x-csrf-token": a.csrf ?? "", "content-type": "application/json", origin }, body: "{}" });
		expect((await post("https://evil.example")).status).toBe(403);
		expect((await post(f.api.url)).status).toBe(200);
	});

	it("ends sessions at expiry and on logout (cookie cleared, token no longer accepted)", async () => {
		const f = await start({ sessionTtlMs: 60_000 });
		const c = f.client();
		await c.login();
		expect((await c.get("/fleet")).status).toBe(200);
		f.wall.now += 59_000;
		expect((await c.get("/fleet")).status).toBe(200);
		f.wall.now += 1_000;
		expect((await c.get("/fleet")).status).toBe(401);

		await c.login();
		const out = await c.post("/logout");
		expect(out.status).toBe(200);
		expect(out.headers.getSetCookie()[0]).toMatch(/^dd_console=; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=0/);
		expect((await c.get("/fleet")).status).toBe(401);
		expect((await c.get("/session")).status).toBe(401);
	});
});
