/*
 * webhook-server — a real local HTTP webhook for the alert tests that can answer, hang (never reply) or be
 * down (not listening), and records each delivery it acknowledged by its x-alert-id.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type WebhookMode = "ok" | "hang" | "fail";

export interface TestWebhook {
	url: string;
	/** ids answered 2xx, in order (a repeat would show up twice) */
	acked: string[];
	/** bodies answered 2xx, in order */
	bodies: { violationId: string; violationEventType: string }[];
	/** requests seen, answered or not */
	requests: () => number;
	mode: WebhookMode;
	down(): Promise<void>;
	up(): Promise<void>;
	close(): Promise<void>;
}

export async function startWebhook(mode: WebhookMode = "ok"): Promise<TestWebhook> {
	let requests = 0;
	const hung: ServerResponse[] = [];
	const hook: TestWebhook = {
		url: "",
		acked: [],
		bodies: [],
		requests: () => requests,
		mode,
		down: () => close(),
		up: () => listen(port),
		close: () => close(),
	};
	const handle = (req: IncomingMessage, res: ServerResponse): void => {
		let body = "";
		req.on("data", (c) => (body += c));
		req.on("end", () => {
			requests++;
			if (hook.mode === "hang") return void hung.push(res);
			res.statusCode = hook.mode === "ok" ? 200 : 500;
			if (hook.mode === "ok") {
				hook.acked.push(String(req.headers["x-alert-id"]));
				hook.bodies.push(JSON.parse(body) as TestWebhook["bodies"][number]);
			}
			res.end();
		});
	};
	let server: Server;
	let port = 0;
	const listen = (p: number): Promise<void> =>
		new Promise((resolve, reject) => {
			server = createServer(handle);
			server.once("error", reject);
			server.listen(p, "127.0.0.1", () => {
				port = (server.address() as AddressInfo).port;
				resolve();
			});
		});
	const close = (): Promise<void> =>
		new Promise((resolve) => {
			for (const res of hung.splice(0)) res.destroy();
			server.closeAllConnections();
			server.close(() => resolve());
		});
	await listen(0);
	hook.url = `http://127.0.0.1:${port}/alerts`;
	return hook;
}
