/*
 * parsed — what the strict report parsers (json-strict, cbor-strict) hand to decode: a JSON-like tree
 * of null-prototype maps, arrays, strings, finite numbers, booleans and null, plus which map entries
 * were written as floats (so an integral float such as 5.0 can be told from the integer 5).
 */

export type Tree = null | boolean | number | string | Tree[] | TreeMap;
export interface TreeMap {
	[key: string]: Tree;
}

export interface ParsedDoc {
	value: Tree;
	/** map → the keys whose values were written as floats (JSON with "." or exponent, CBOR major type 7) */
	floats: WeakMap<object, Set<string>>;
}

/** Why the payload is not a well-formed report document (before the schema is checked). */
export class ParseError extends Error {}

/** Nesting allowed in a report; the deepest valid report is 6 levels, so this only stops abuse. */
export const MAX_DEPTH = 32;

export function newMap(): TreeMap {
	return Object.create(null) as TreeMap;
}

/** Sets key on map; throws on a key already present (duplicates are refused at every level). */
export function setOnce(map: TreeMap, key: string, value: Tree): void {
	if (Object.prototype.hasOwnProperty.call(map, key)) throw new ParseError(`duplicate map key ${JSON.stringify(key)}`);
	map[key] = value;
}

export function markFloat(floats: WeakMap<object, Set<string>>, map: TreeMap, key: string): void {
	const set = floats.get(map);
	if (set) set.add(key);
	else floats.set(map, new Set([key]));
}

const SURROGATE = /[\ud800-\udfff]/;

/** Refuses lone UTF-16 surrogates (from JSON \u escapes): they are not Unicode scalar values. */
export function checkScalars(s: string): string {
	if (!SURROGATE.test(s)) return s;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0xd800 || c > 0xdfff) continue;
		const d = s.charCodeAt(i + 1);
		if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw new ParseError("lone surrogate in string");
		i++;
	}
	return s;
}

export function checkNumber(n: number): number {
	if (!Number.isFinite(n)) throw new ParseError("number is not finite");
	return n;
}
