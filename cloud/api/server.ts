/*
 * server — the AWS IoT control-plane endpoint: HTTP (or HTTPS with the cloud's server certificate) on
 * loopback. Every request is SigV4-verified against the access key store before it is routed; answers are
 * JSON, errors carry x-amzn-ErrorType and {message} as AWS sends them.
 */
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { ApiError, toApiError } from "./errors";
import type { QueryEndpoint } from "../sns/sns-http";
import { parseQuery, type Router } from "./router";
import { verifySignature, type SecretLookup } from "./sigv4";

/** Request bodies above this are refused (a security profile of 100 behaviors is far smaller). */
const MAX_BODY_BYTES = 1 << 20;

export interface HttpOptions {
	host: string;
	port: number;
	/** PEM key and certificate: serve HTTPS */
	tls?: { key: string; cert: string };
	router: Router;
	secretOf: SecretLookup;
	/** wall clock for signature freshness (not the cloud's Detect clock) */
	now: () => number;
	log: (s: string) => void;
	/** query-protocol calls (SNS: form-encoded POST or ?Action=) go here instead of the router */
	query?: QueryEndpoint;
	/** paths it accepts (the web console's /console/…) are handed to it before SigV4 and the router */
	console?: PathHandler;
}

export interface PathHandler {
	accepts(path: string): boolean;
	handle(req: IncomingMessage, res: ServerResponse): void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on("data", (c: Buffer) => {
			size += c.length;
			if (size > MAX_BODY_BYTES) {
				reject(new ApiError(413, "RequestEntityTooLargeException", `request body larger than ${MAX_BODY_BYTES} bytes`));
				req.destroy();
			} else chunks.push(c);
		});
		req.on("end", () => resolve(Buffer.concat(chunks)));
		req.on("error", reject);
	});
}

function parseBody(body: Buffer): Record<string, unknown> {
	if (body.length === 0) return {};
	let v: unknown;
	try {
		v = JSON.parse(body.toString("utf8"));
	} catch {
		throw new ApiError(400, "SerializationException", "request body is not valid JSON");
	}
	if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ApiError(400, "SerializationException", "request body must be a JSON object");
	return v as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: object, errorType?: string): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		"content-type": "application/json",
		"content-length": Buffer.byteLength(text),
		"x-amzn-requestid": randomUUID(),
		...(errorType ? { "x-amzn-errortype": `${errorType}:` } : {}),
	});
	res.end(text);
}

function sendXml(res: ServerResponse, answer: { status: number; xml: string }): void {
	res.writeHead(answer.status, { "content-type": "text/xml", "content-length": Buffer.byteLength(answer.xml), "x-amzn-requestid": randomUUID() });
	res.end(answer.xml);
}

async function handle(o: HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const method = req.method ?? "GET";
	const url = req.url ?? "/";
	try {
		const body = await readBody(req);
		if (o.query?.accepts(req)) return sendXml(res, o.query.handle(req, body));
		verifySignature({ method, url, rawHeaders: req.rawHeaders, body }, o.secretOf, o.now());
		const q = url.indexOf("?");
		const { handler, params } = o.router.match(method, q < 0 ? url : url.slice(0, q));
		const out = await handler({ params, query: parseQuery(q < 0 ? "" : url.slice(q + 1)), body: parseBody(body), headers: req.headers });
		send(res, 200, out);
	} catch (e) {
		const err = toApiError(e);
		if (err.status === 500) o.log(`api: ${method} ${url}: ${(e as Error).stack ?? String(e)}`);
		else if (err.status === 403) o.log(`api: refused ${method} ${url}: ${err.type}`);
		if (!res.headersSent && !res.destroyed) send(res, err.status, { message: err.message }, err.type);
	}
}

export interface HttpServer {
	port: number;
	url: string;
	close(): Promise<void>;
}

export async function listen(o: HttpOptions): Promise<HttpServer> {
	const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
		if (o.console?.accepts(req.url ?? "/")) return o.console.handle(req, res);
		void handle(o, req, res);
	};
	const server: Server = o.tls ? createHttps({ key: o.tls.key, cert: o.tls.cert }, onRequest) : createHttp(onRequest);
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(o.port, o.host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	return {
		port,
		url: `${o.tls ? "https" : "http"}://${o.host}:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
