/*
 * Our SigV4 verifier against an independent signer (@smithy/signature-v4, the SDK's own) on awkward
 * requests — encoded path labels, repeated and empty query keys, reserved characters, folded header
 * values — and its clock window (5 minutes either way), all at a fixed instant.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../cloud/api/errors";
import { verifySignature, type SignedRequest } from "../../cloud/api/sigv4";

class NodeSha256 {
	readonly #h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
	constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
		const key = secret === undefined || typeof secret === "string" ? secret : ArrayBuffer.isView(secret) ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength) : new Uint8Array(secret);
		this.#h = key === undefined ? createHash("sha256") : createHmac("sha256", key);
	}
	update(data: string | ArrayBuffer | ArrayBufferView): void {
		if (typeof data === "string") this.#h.update(data, "utf8");
		else if (ArrayBuffer.isView(data)) this.#h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
		else this.#h.update(new Uint8Array(data));
	}
	async digest(): Promise<Uint8Array> {
		return this.#h.digest();
	}
}

const KEY = { accessKeyId: "AKIAEXAMPLEEXAMPLE22", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const AT = Date.UTC(2026, 11, 4, 1, 2, 3);
const lookup = (id: string): string | undefined => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);

interface Plain {
	method: string;
	path: string;
	query?: Record<string, string | string[]>;
	headers?: Record<string, string>;
	body?: string;
}

/** Signs like the SDK (path already encoded once, then double-encoded for signing) and serialises it as Node receives it. */
async function signed(r: Plain, service = "iot"): Promise<SignedRequest> {
	const signer = new SignatureV4({ credentials: KEY, region: "eu-central-1", service, sha256: NodeSha256, uriEscapePath: true });
	const headers = { host: "127.0.0.1:8443", ...(r.headers ?? {}) };
	const out = await signer.sign({ method: r.method, protocol: "http:", hostname: "127.0.0.1", port: 8443, path: r.path, query: r.query ?? {}, headers, body: r.body }, { signingDate: new Date(AT) });
	const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	const query = Object.entries(r.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`));
	return {
		method: r.method,
		url: r.path + (query.length ? `?${query.join("&")}` : ""),
		rawHeaders: Object.entries(out.headers).flat(),
		body: Buffer.from(r.body ?? ""),
	};
}

function refusal(req: SignedRequest, now = AT): string {
	try {
		verifySignature(req, lookup, now);
	} catch (e) {
		if (e instanceof ApiError) return `${e.status} ${e.type}: ${e.message}`;
		throw e;
	}
	return "accepted";
}

describe("SigV4 verification against the SDK's signer", () => {
	it("accepts awkward but correctly signed requests", async () => {
		const cases: Plain[] = [
			{ method: "GET", path: "/things/a%3Ab_c-d" },
			{ method: "GET", path: "/security-profiles/p%20q%2Fr~s", query: { z: "1", a: ["y", "x"], empty: "", "sp ace": "a b+c/d=e&f" } },
			{ method: "POST", path: "/thing-groups/g", headers: { "x-amz-meta": "  folded   value  ", "content-type": "application/json" }, body: JSON.stringify({ thingGroupProperties: { thingGroupDescription: "ünïcode ✓" } }) },
			{ method: "GET", path: "/metric-values", query: { startTime: "2026-12-04T01:00:00Z", metricName: "aws:listening-tcp-ports" } },
		];
		for (const c of cases) expect(refusal(await signed(c)), `${c.method} ${c.path}`).toBe("accepted");
		expect(refusal(await signed({ method: "GET", path: "/things" }, "execute-api"))).toBe("accepted");
	});

	it("refuses any change after signing, other services, unknown keys and stale or future dates", async () => {
		const base = await signed({ method: "PATCH", path: "/security-profiles/p", query: { expectedVersion: "1" }, body: '{"behaviors":[]}' });
		const mismatch = /^403 InvalidSignatureException: The request signature we calculated does not match/;
		expect(refusal({ ...base, body: Buffer.from('{"behaviors":[{}]}') })).toMatch(mismatch);
		expect(refusal({ ...base, url: base.url.replace("expectedVersion=1", "expectedVersion=2") })).toMatch(mismatch);
		expect(refusal({ ...base, url: base.url.replace("/p?", "/q?") })).toMatch(mismatch);
		expect(refusal({ ...base, method: "DELETE" })).toMatch(mismatch);
		expect(refusal({ ...base, rawHeaders: base.rawHeaders.map((h) => (h === "127.0.0.1:8443" ? "127.0.0.1:9999" : h)) })).toMatch(mismatch);
		expect(refusal(await signed({ method: "GET", path: "/things" }, "s3"))).toMatch(/^403 InvalidSignatureException: Credential should be scoped to correct service/);
		const stranger = { ...base, rawHeaders: base.rawHeaders.map((h) => h.replace(KEY.accessKeyId, "AKIAOTHEROTHEROTHER2")) };
		expect(refusal(stranger)).toBe("403 UnrecognizedClientException: The security token included in the request is invalid.");
		expect(refusal(base, AT + 4 * 60_000)).toBe("accepted");
		expect(refusal(base, AT + 6 * 60_000)).toBe("403 InvalidSignatureException: Signature expired: 20261204T010203Z is now earlier than 20261204T010303Z (20261204T010803Z - 5 min.)");
		expect(refusal(base, AT - 6 * 60_000)).toMatch(/^403 InvalidSignatureException: Signature not yet current: 20261204T010203Z is still later than/);
		const unsignedDate = { ...base, rawHeaders: base.rawHeaders.map((h) => h.replace(/SignedHeaders=[^,]+/, "SignedHeaders=host")) };
		expect(refusal(unsignedDate)).toMatch(/^403 IncompleteSignatureException/);
		expect(refusal({ ...base, rawHeaders: [] })).toBe("403 MissingAuthenticationTokenException: Missing Authentication Token");
	});
});
