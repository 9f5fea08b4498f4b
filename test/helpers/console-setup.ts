/*
 * console-setup — a test cloud with the API and the web console (a temp static root with an index.html
 * and a hashed script), a wall clock the test moves for sessions, and a small console client over
 * Node's fetch: login, the session cookie, the CSRF header, and a server-sent events reader.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudOptions } from "../../cloud/index";
import { startApiCloud, type ApiFixture } from "./api-setup";
import { tempDir } from "./cloud-setup";

export interface ConsoleFixture extends ApiFixture {
	/** the console's wall clock (sessions, login limits): move it with `wall.now += ms` */
	wall: { now: number };
	staticRoot: string;
	client(): ConsoleClient;
}

export const INDEX_HTML = "<!doctype html><title>Device Defender console</title><script type=module src=main-ABCD1234.js></script>";

export async function startConsoleCloud(options: Partial<CloudOptions> = {}, consoleOptions: Record<string, unknown> = {}): Promise<ConsoleFixture> {
	const dir = tempDir("console-test-");
	const staticRoot = join(dir, "static");
	mkdirSync(join(staticRoot, "img"), { recursive: true });
	writeFileSync(join(staticRoot, "index.html"), INDEX_HTML);
	writeFileSync(join(staticRoot, "main-ABCD1234.js"), "console.log('console');\n");
	writeFileSync(join(staticRoot, "style.css"), "body{margin:0}\n");
	writeFileSync(join(staticRoot, "img", "logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
	writeFileSync(join(dir, "secret.txt"), "outside the root");
	const wall = { now: Date.UTC(2026, 0, 1) };
	const f = await startApiCloud({ minReportIntervalSeconds: 0, api: { port: 0, console: { staticRoot, now: () => wall.now, heartbeatMs: 200, ...consoleOptions } }, ...options }, dir);
	return { ...f, wall, staticRoot, client: () => new ConsoleClient(f.api.url, f.api.accessKey) };
}

export interface Answer<T = Record<string, unknown>> {
	status: number;
	body: T;
	headers: Headers;
}

export class ConsoleClient {
	readonly base: string;
	readonly key: { accessKeyId: string; secretAccessKey: string };
	cookie: string | undefined;
	csrf: string | undefined;

	constructor(base: string, key: { accessKeyId: string; secretAccessKey: string }) {
		this.base = base;
		this.key = key;
	}

	async login(secret = this.key.secretAccessKey, id = this.key.accessKeyId): Promise<Answer> {
		const res = await fetch(`${this.base}/console/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ accessKeyId: id, secretAccessKey: secret }) });
		const body = (await res.json()) as Record<string, unknown>;
		const set = res.headers.getSetCookie()[0];
		if (res.status === 200 && set) {
			this.cookie = set.split(";")[0];
			this.csrf = String(body.csrfToken);
		}
		return { status: res.status, body, headers: res.headers };
	}

	/** A console API call with the cookie and (unless `csrf: false`) the CSRF header. */
	async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, o: { csrf?: boolean | string } = {}): Promise<Answer<T>> {
		const headers: Record<string, string> = {};
		if (this.cookie) headers.cookie = this.cookie;
		if (o.csrf !== false && this.csrf) headers["x-csrf-token"] = typeof o.csrf === "string" ? o.csrf : this.csrf;
		if (body !== undefined) headers["content-type"] = "application/json";
		const res = await fetch(`${this.base}/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		return { status: res.status, body: (await res.json()) as T, headers: res.headers };
	}

	get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> {
		return this.call<T>("GET", path);
	}

	post<T = Record<string, unknown>>(path: string, body: unknown = {}): Promise<Answer<T>> {
		return this.call<T>("POST", path, body);
	}

	/** Opens the event stream; `next(name, pred)` resolves with the first matching event's data. */
	async events(): Promise<EventReader> {
		const controller = new AbortController();
		const res = await fetch(`${this.base}/console/api/events`, { headers: this.cookie ? { cookie: this.cookie } : {}, signal: controller.signal });
		return new EventReader(res, controller);
	}
}

export interface SseEvent {
	event: string;
	data: Record<string, unknown>;
}

export class EventReader {
	readonly status: number;
	readonly contentType: string | null;
	readonly seen: SseEvent[] = [];
	readonly #controller: AbortController;
	#waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
	ended = false;

	constructor(res: Response, controller: AbortController) {
		this.status = res.status;
		this.contentType = res.headers.get("content-type");
		this.#controller = controller;
		if (res.body && res.status === 200) void this.#read(res.body);
	}

	next(event: string, match: (d: Record<string, unknown>) => boolean = () => true, limitMs = 10_000): Promise<Record<string, unknown>> {
		const pred = (e: SseEvent): boolean => e.event === event && match(e.data);
		const old = this.seen.find(pred);
		if (old) return Promise.resolve(old.data);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no ${event} event within ${limitMs} ms; saw ${this.seen.map((e) => e.event).join(",")}`)), limitMs);
			this.#waiters.push({ match: pred, resolve: (e) => (clearTimeout(timer), resolve(e.data)) });
		});
	}

	close(): void {
		this.#controller.abort();
	}

	async #read(body: ReadableStream<Uint8Array>): Promise<void> {
		const decoder = new TextDecoder();
		let buffer = "";
		try {
			for await (const chunk of body) {
				buffer += decoder.decode(chunk, { stream: true });
				let end: number;
				while ((end = buffer.indexOf("\n\n")) >= 0) {
					this.#frame(buffer.slice(0, end));
					buffer = buffer.slice(end + 2);
				}
			}
		} catch {
			// aborted by close()
		}
		this.ended = true;
	}

	#frame(text: string): void {
		let event = "message";
		let data = "";
		for (const line of text.split("\n")) {
			if (line.startsWith("event: ")) event = line.slice(7);
			else if (line.startsWith("data: ")) data += line.slice(6);
		}
		if (data === "") return;
		const e = { event, data: JSON.parse(data) as Record<string, unknown> };
		this.seen.push(e);
		this.#waiters = this.#waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
	}
}
