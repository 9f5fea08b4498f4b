/*
 * sns-http — SNS on the API server: a request is an SNS call when it is a form-encoded POST or carries
 * ?Action=… (the confirmation link). Checked with SigV4 under the signing name `sns` (ConfirmSubscription
 * may come unsigned: its token is the credential), dispatched by Action and answered in XML; errors carry
 * the SNS error codes (InvalidParameter 400, NotFound 404, AuthorizationError 403, InternalError 500).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ApiError } from "../api/errors";
import { parseQuery } from "../api/router";
import { verifySignature, type SecretLookup } from "../api/sigv4";
import { ANONYMOUS_ACTIONS, snsActions } from "./sns-actions";
import { SnsError, type SnsService } from "./sns-service";
import { errorXml, responseXml } from "./sns-xml";

const SNS_SIGNING = new Set(["sns"]);
const VERSION = "2010-03-31";

export interface QueryAnswer {
	status: number;
	xml: string;
}

export interface QueryEndpoint {
	accepts(req: IncomingMessage): boolean;
	handle(req: IncomingMessage, body: Buffer): QueryAnswer;
}

/** SigV4 refusals in the names the query protocol uses. */
const SIGNATURE_CODES: Record<string, string> = {
	MissingAuthenticationTokenException: "MissingAuthenticationToken",
	IncompleteSignatureException: "IncompleteSignature",
	InvalidSignatureException: "SignatureDoesNotMatch",
	UnrecognizedClientException: "InvalidClientTokenId",
};

const STATUS: Record<SnsError["code"], number> = { InvalidParameter: 400, NotFound: 404, AuthorizationError: 403 };

function paramsOf(req: IncomingMessage, body: Buffer): Map<string, string> {
	const url = req.url ?? "/";
	const q = url.indexOf("?");
	const params = parseQuery(q < 0 ? "" : url.slice(q + 1));
	if (req.method === "POST") for (const [k, v] of parseQuery(body.toString("utf8").replace(/\+/g, "%20"))) params.set(k, v);
	return params;
}

export function snsEndpoint(sns: SnsService, secretOf: SecretLookup, now: () => number, log: (s: string) => void): QueryEndpoint {
	const actions = snsActions(sns);
	return {
		accepts(req) {
			const type = req.headers["content-type"] ?? "";
			const path = (req.url ?? "/").split("?")[0];
			return path === "/" && (type.startsWith("application/x-www-form-urlencoded") || /[?&]Action=/.test(req.url ?? ""));
		},
		handle(req, body) {
			const requestId = randomUUID();
			try {
				const params = paramsOf(req, body);
				const action = params.get("Action") ?? "";
				const anonymous = ANONYMOUS_ACTIONS.has(action) && req.headers.authorization === undefined;
				if (!anonymous) verifySignature({ method: req.method ?? "GET", url: req.url ?? "/", rawHeaders: req.rawHeaders, body }, secretOf, now(), SNS_SIGNING);
				const run = actions[action];
				if (!run) return { status: 400, xml: errorXml("Sender", "InvalidAction", `Could not find operation ${action} for version ${VERSION}`, requestId) };
				if (params.has("Version") && params.get("Version") !== VERSION) throw new SnsError("InvalidParameter", `Invalid parameter: Version ${params.get("Version")}`);
				return { status: 200, xml: responseXml(action, run(params), requestId) };
			} catch (e) {
				if (e instanceof SnsError) return { status: STATUS[e.code], xml: errorXml("Sender", e.code, e.message, requestId) };
				if (e instanceof ApiError && e.status < 500) return { status: e.status, xml: errorXml("Sender", SIGNATURE_CODES[e.type] ?? e.type, e.message, requestId) };
				log(`sns: ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
				return { status: 500, xml: errorXml("Receiver", "InternalError", "internal failure", requestId) };
			}
		},
	};
}
