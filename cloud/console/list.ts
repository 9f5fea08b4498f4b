/*
 * list — server-side paging, sorting and searching of console lists: offset/limit (default 50, max 500),
 * sort=<field> among the list's sort keys, order=asc|desc, and query-string helpers with clear errors.
 */
import { badRequest } from "./http";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export type Query = URLSearchParams;

export interface Paged<T> {
	total: number;
	offset: number;
	limit: number;
	items: T[];
}

export function intParam(q: Query, name: string, fallback: number, min: number, max: number): number {
	const raw = q.get(name);
	if (raw === null || raw === "") return fallback;
	if (!/^-?\d+$/.test(raw)) throw badRequest(`${name} must be an integer, got "${raw}"`);
	const n = Number(raw);
	if (n < min || n > max) throw badRequest(`${name} must be between ${min} and ${max}, got ${n}`);
	return n;
}

export function boolParam(q: Query, name: string): boolean | undefined {
	const raw = q.get(name);
	if (raw === null || raw === "") return undefined;
	if (raw !== "true" && raw !== "false") throw badRequest(`${name} must be true or false, got "${raw}"`);
	return raw === "true";
}

export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], fallback: T): T {
	const raw = q.get(name);
	if (raw === null || raw === "") return fallback;
	if (!(allowed as readonly string[]).includes(raw)) throw badRequest(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
	return raw as T;
}

/** A time parameter in epoch ms. */
export function timeParam(q: Query, name: string, fallback: number): number {
	return intParam(q, name, fallback, 0, Number.MAX_SAFE_INTEGER);
}

export type SortKey<T> = (item: T) => string | number | null;

function compare(a: string | number | null, b: string | number | null): number {
	if (a === b) return 0;
	if (a === null) return 1; // nulls last, whatever the order
	if (b === null) return -1;
	return a < b ? -1 : 1;
}

/** Sorts (stable, ties by `tie`), then pages; `search` must already have filtered. */
export function sortAndPage<T>(q: Query, items: T[], keys: Record<string, SortKey<T>>, fallback: string, tie: SortKey<T>): Paged<T> {
	const names = Object.keys(keys);
	const sort = oneOf(q, "sort", names, fallback);
	const order = oneOf(q, "order", ["asc", "desc"] as const, "asc");
	const key = keys[sort];
	const sign = order === "asc" ? 1 : -1;
	const decorated = items.map((item) => ({ item, k: key(item), t: tie(item) }));
	decorated.sort((a, b) => {
		const byKey = a.k === null || b.k === null ? compare(a.k, b.k) : sign * compare(a.k, b.k);
		return byKey !== 0 ? byKey : compare(a.t, b.t);
	});
	const offset = intParam(q, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
	const limit = intParam(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
	return { total: items.length, offset, limit, items: decorated.slice(offset, offset + limit).map((d) => d.item) };
}

/** Case-insensitive substring search over the texts an item offers. */
export function searchFilter<T>(q: Query, texts: (item: T) => string[]): (item: T) => boolean {
	const needle = (q.get("search") ?? "").trim().toLowerCase();
	if (needle === "") return () => true;
	return (item) => texts(item).some((t) => t.toLowerCase().includes(needle));
}
