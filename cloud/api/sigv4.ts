/*
 * sigv4 — verifies AWS Signature Version 4 on an incoming request (Authorization header form): rebuilds
 * the canonical request and the string to sign, derives the signing key with the HMAC chain
 * (AWS4+secret → date → region → service → aws4_request) and compares signatures in constant time.
 * Refusals carry the status, x-amzn-ErrorType and message AWS answers with.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ApiError } from "./errors";

const ALGORITHM = "AWS4-HMAC-SHA256";
/** AWS refuses a signature dated more than 5 minutes from its clock, either way. */
const MAX_SKEW_MS = 5 * 60_000;
/** Signing names of the IoT control plane: "iot" (JavaScript SDK) and "execute-api" (botocore / aws CLI). */
const SERVICES = new Set(["iot", "execute-api"]);

export interface SignedRequest {
	method: string;
	/** path and query exactly as received (req.url) */
	url: string;
	/** Node's rawHeaders: name, value, name, value… */
	rawHeaders: string[];
	body: Buffer;
}

/** Looks up the secret of an active access key; undefined = unknown or inactive. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

interface Authorization {
	accessKeyId: string;
	date: string;
	region: string;
	service: string;
	signedHeaders: string[];
	signature: string;
}

const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex). */
export function uriEncode(s: string): string {
	return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		throw new ApiError(400, "InvalidRequestException", `malformed percent-encoding in "${s}"`);
	}
}

/** The received path, normalised and encoded once more (non-S3 services sign the double-encoded path). */
export function canonicalPath(rawPath: string): string {
	const out: string[] = [];
	for (const segment of rawPath.split("/")) {
		if (segment === "" || segment === ".") continue;
		if (segment === "..") out.pop();
		else out.push(segment);
	}
	const trailing = rawPath.length > 1 && rawPath.endsWith("/") && out.length > 0 ? "/" : "";
	return "/" + out.map(uriEncode).join("/") + trailing;
}

export function canonicalQuery(rawQuery: string): string {
	if (rawQuery === "") return "";
	const pairs = rawQuery
		.split("&")
		.filter((p) => p !== "")
		.map((p) => {
			const eq = p.indexOf("=");
			const [k, v] = eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
			return [uriEncode(safeDecode(k)), uriEncode(safeDecode(v))] as const;
		});
	pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
	return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function headerValues(rawHeaders: string[]): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
		const name = rawHeaders[i].toLowerCase();
		const list = out.get(name) ?? [];
		list.push(rawHeaders[i + 1].trim().replace(/\s+/g, " "));
		out.set(name, list);
	}
	return out;
}

function parseAuthorization(header: string): Authorization {
	const malformed = (): ApiError =>
		new ApiError(403, "IncompleteSignatureException", `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${header}`);
	if (!header.startsWith(`${ALGORITHM} `)) throw malformed();
	const fields = new Map<string, string>();
	for (const part of header.slice(ALGORITHM.length + 1).split(",")) {
		const eq = part.indexOf("=");
		if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
	}
	const credential = fields.get("Credential")?.split("/");
	const signedHeaders = fields.get("SignedHeaders");
	const signature = fields.get("Signature");
	if (!credential || credential.length !== 5 || credential[4] !== "aws4_request" || !signedHeaders || !signature) throw malformed();
	const [accessKeyId, date, region, service] = credential;
	return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

/** 20260101T000000Z → epoch ms, or NaN. */
function parseAmzDate(s: string): number {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
	return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

function amzDateOf(ms: number): string {
	return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function checkTime(amzDate: string, now: number): void {
	const at = parseAmzDate(amzDate);
	if (Number.isNaN(at)) throw new ApiError(403, "IncompleteSignatureException", `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
	if (at < now - MAX_SKEW_MS) {
		throw new ApiError(403, "InvalidSignatureException", `Signature expired: ${amzDate} is now earlier than ${amzDateOf(now - MAX_SKEW_MS)} (${amzDateOf(now)} - 5 min.)`);
	}
	if (at > now + MAX_SKEW_MS) {
		throw new ApiError(403, "InvalidSignatureException", `Signature not yet current: ${amzDate} is still later than ${amzDateOf(now + MAX_SKEW_MS)} (${amzDateOf(now)} + 5 min.)`);
	}
}

function signingKey(secret: string, a: Authorization): Buffer {
	return hmac(hmac(hmac(hmac(`AWS4${secret}`, a.date), a.region), a.service), "aws4_request");
}

/** The string to sign of `req` under authorization `a` dated `amzDate` (exported for tests). */
export function stringToSign(req: SignedRequest, a: Pick<Authorization, "date" | "region" | "service" | "signedHeaders">, amzDate: string): string {
	const headers = headerValues(req.rawHeaders);
	const q = req.url.indexOf("?");
	const rawPath = q < 0 ? req.url : req.url.slice(0, q);
	const rawQuery = q < 0 ? "" : req.url.slice(q + 1);
	const canonicalHeaders = a.signedHeaders.map((h) => `${h}:${(headers.get(h) ?? []).join(",")}\n`).join("");
	const canonical = [req.method, canonicalPath(rawPath), canonicalQuery(rawQuery), canonicalHeaders, a.signedHeaders.join(";"), sha256Hex(req.body)].join("\n");
	return [ALGORITHM, amzDate, `${a.date}/${a.region}/${a.service}/aws4_request`, sha256Hex(canonical)].join("\n");
}

/** Verifies `req` (signed for one of `services`, default the IoT names); returns the access key id it was signed with, or throws the ApiError AWS would answer. */
export function verifySignature(req: SignedRequest, lookup: SecretLookup, now: number, services: ReadonlySet<string> = SERVICES): string {
	const headers = headerValues(req.rawHeaders);
	const authorization = headers.get("authorization")?.[0];
	if (authorization === undefined) throw new ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
	const a = parseAuthorization(authorization);
	const amzDate = headers.get("x-amz-date")?.[0];
	if (amzDate === undefined) throw new ApiError(403, "IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
	if (!a.signedHeaders.includes("host") || !a.signedHeaders.includes("x-amz-date")) {
		throw new ApiError(403, "IncompleteSignatureException", "'Host' and 'X-Amz-Date' must be signed headers.");
	}
	if (!amzDate.startsWith(a.date) || a.date.length !== 8) {
		throw new ApiError(403, "InvalidSignatureException", `Credential should be scoped to a valid date: '${amzDate.slice(0, 8)}'.`);
	}
	if (!services.has(a.service)) throw new ApiError(403, "InvalidSignatureException", `Credential should be scoped to correct service: '${[...services][0]}'.`);
	checkTime(amzDate, now);
	const secret = lookup(a.accessKeyId);
	if (secret === undefined) throw new ApiError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
	const expected = createHmac("sha256", signingKey(secret, a)).update(stringToSign(req, a, amzDate), "utf8").digest();
	const given = /^[0-9a-f]{64}$/.test(a.signature) ? Buffer.from(a.signature, "hex") : Buffer.alloc(0);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		throw new ApiError(
			403,
			"InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
		);
	}
	return a.accessKeyId;
}
