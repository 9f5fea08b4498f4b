/*
 * params — reading and checking request fields (bad ones → InvalidRequestException), AWS timestamps
 * (epoch seconds in JSON, ISO 8601 or epoch seconds in a query string) and nextToken/maxResults paging.
 */
import type { Call } from "./router";
import { invalid } from "./errors";

const MAX_RESULTS = 250;

export function requiredQuery(c: Call, name: string): string {
	const v = c.query.get(name);
	if (v === undefined || v === "") throw invalid(`${name} is required`);
	return v;
}

export function boolQuery(c: Call, name: string): boolean | undefined {
	const v = c.query.get(name);
	if (v === undefined) return undefined;
	if (v !== "true" && v !== "false") throw invalid(`${name} must be true or false`);
	return v === "true";
}

export function intQuery(c: Call, name: string): number | undefined {
	const v = c.query.get(name);
	if (v === undefined) return undefined;
	if (!/^\d{1,15}$/.test(v)) throw invalid(`${name} must be a non-negative integer`);
	return Number(v);
}

/** A query timestamp as epoch ms: ISO 8601 (what the SDKs send) or epoch seconds. */
export function timeQuery(c: Call, name: string): number | undefined {
	const v = c.query.get(name);
	if (v === undefined) return undefined;
	const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
	if (Number.isNaN(ms)) throw invalid(`${name} must be a timestamp, got "${v}"`);
	return ms;
}

/** epoch ms → the epoch seconds AWS timestamps carry in JSON. */
export const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

export function bodyString(c: Call, name: string, required: true): string;
export function bodyString(c: Call, name: string, required?: false): string | undefined;
export function bodyString(c: Call, name: string, required = false): string | undefined {
	const v = c.body[name];
	if (v === undefined && !required) return undefined;
	if (typeof v !== "string" || v === "") throw invalid(`${name} must be a non-empty string`);
	return v;
}

export function bodyObject(c: Call, name: string): Record<string, unknown> | undefined {
	const v = c.body[name];
	if (v === undefined) return undefined;
	if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalid(`${name} must be an object`);
	return v as Record<string, unknown>;
}

/** One page of `items` for nextToken/maxResults; the token is the offset of the next page. */
export function page<T>(c: Call, items: T[], maxName = "maxResults", tokenName = "nextToken"): { items: T[]; nextToken?: string } {
	const max = intQuery(c, maxName) ?? MAX_RESULTS;
	if (max < 1 || max > MAX_RESULTS) throw invalid(`${maxName} must be between 1 and ${MAX_RESULTS}`);
	const token = c.query.get(tokenName);
	let start = 0;
	if (token !== undefined) {
		const decoded = Buffer.from(token, "base64url").toString("utf8");
		if (!/^\d{1,15}$/.test(decoded) || Number(decoded) > items.length) throw invalid(`invalid ${tokenName}`);
		start = Number(decoded);
	}
	const end = start + max;
	return { items: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString("base64url") } : {}) };
}

/** The name at the end of an ARN of `kind` (thing, thinggroup), or the plain name. */
export function nameOrArn(c: Call, name: string, arn: string, kind: string): string {
	const plain = bodyString(c, name);
	if (plain !== undefined) return plain;
	const a = bodyString(c, arn);
	const m = a === undefined ? null : new RegExp(`^arn:aws:iot:[a-z0-9-]*:[0-9]*:${kind}/(.+)$`).exec(a);
	if (!m) throw invalid(`${name} or a valid ${arn} is required`);
	return m[1];
}
