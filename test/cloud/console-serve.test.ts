/* Web console serving: over HTTPS the session cookie is Secure; buildConsole bundles a front-end into a static root the console serves with hashed, immutable names; `console: false` serves nothing. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildConsole } from "../../cloud/console/index";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { tempDir } from "../helpers/cloud-setup";

let fixtures: ApiFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

function httpsCall(url: string, ca: string, method: string, path: string, body?: string): Promise<{ status?: number; headers: Record<string, string | string[] | undefined>; text: string }> {
	return new Promise((resolve, reject) => {
		const req = request(url + path, { method, ca, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
			let text = "";
			res.on("data", (d: Buffer) => (text += d.toString()));
			res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
		});
		req.on("error", reject);
		req.end(body);
	});
}

describe("console serving", () => {
	it("sets a Secure cookie when the API is HTTPS", async () => {
		const dir = tempDir("console-https-");
		const staticRoot = join(dir, "static");
		mkdirSync(staticRoot);
		writeFileSync(join(staticRoot, "index.html"), "<!doctype html><title>c</title>");
		const f = await startApiCloud({ api: { port: 0, https: true, console: { staticRoot } } }, dir);
		fixtures.push(f);
		expect(f.api.url).toMatch(/^https:/);
		const ca = readFileSync(join(dir, "pki", "ca.cert.pem"), "utf8");
		expect((await httpsCall(f.api.url, ca, "GET", "/console/")).status).toBe(200);
		const login = await httpsCall(f.api.url, ca, "POST", "/console/api/login", JSON.stringify(f.api.accessKey));
		expect(login.status).toBe(200);
		expect(String(login.headers["set-cookie"])).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
	});

	it("bundles a front-end with buildConsole and serves the hashed bundle as immutable", async () => {
		const dir = tempDir("console-build-");
		const src = join(dir, "src");
		mkdirSync(join(src, "static"), { recursive: true });
		writeFileSync(join(src, "main.ts"), "import './style.css';\nconst n: number = 41;\ndocument.title = String(n + 1);\n");
		writeFileSync(join(src, "style.css"), "body { color: red }\n");
		writeFileSync(join(src, "index.html"), '<!doctype html><link rel=stylesheet href="main.css"><script type=module src="main.js"></script>');
		writeFileSync(join(src, "static", "favicon.ico"), "icon");
		const out = join(dir, "out");
		const built = await buildConsole({ srcDir: src, outDir: out });
		const names = built.files.map((x) => x.path).sort();
		expect(names).toEqual(expect.arrayContaining(["favicon.ico", "index.html"]));
		const js = names.find((n) => /^main-[A-Z0-9]{8}\.js$/.test(n));
		const css = names.find((n) => /^main-[A-Z0-9]{8}\.css$/.test(n));
		expect(js && css).toBeTruthy();
		const html = readFileSync(join(out, "index.html"), "utf8");
		expect(html).toContain(`src="${js}"`);
		expect(html).toContain(`href="${css}"`);
		expect(built.totalBytes).toBe(built.files.reduce((n, x) => n + x.bytes, 0));

		const f = await startApiCloud({ api: { port: 0, console: { staticRoot: out } } }, dir);
		fixtures.push(f);
		const res = await fetch(`${f.api.url}/console/${js}`);
		expect([res.status, res.headers.get("cache-control")]).toEqual([200, "public, max-age=31536000, immutable"]);
		expect(await res.text()).toContain("document.title");
		await expect(buildConsole({ srcDir: join(dir, "missing"), outDir: out })).rejects.toThrow(/no entry script/);
	});

	it("serves no console when the console option is false (the AWS API answers /console like any unsigned path)", async () => {
		const f = await startApiCloud({ api: { port: 0, console: false } });
		fixtures.push(f);
		const res = await fetch(`${f.api.url}/console/`);
		expect(res.status).toBe(403);
		expect(res.headers.get("x-amzn-errortype")).toBeTruthy();
	});
});
