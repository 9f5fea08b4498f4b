/*
 * operators — every Detect comparison operator as one table row: (name, value field of the criteria,
 * compare(datapoint, criteria value) → conforms?, validator of the criteria value).
 * A behavior describes NORMAL: `compare` returning false means the datapoint violates (spec §7.1).
 * Set operators: every reported element must (in-*) / must not (not-in-*) belong; an empty list conforms.
 */
import { inCidrs, isCidr } from "./cidr";
import { listOf, numericOf, type MetricValue } from "./metric-value";

export type ValueField = keyof MetricValue;

export interface Operator {
	name: string;
	/** the field of `criteria.value` this operator reads; numeric operators accept count or number */
	fields: ValueField[];
	numeric: boolean;
	compare(datapoint: MetricValue, threshold: MetricValue): boolean;
	/** problems with the criteria value, empty when fine */
	validate(value: MetricValue): string[];
}

function numeric(name: string, test: (a: number, b: number) => boolean): Operator {
	return {
		name,
		fields: ["count", "number"],
		numeric: true,
		compare: (d, t) => {
			const a = numericOf(d);
			const b = numericOf(t);
			return a === undefined || b === undefined || test(a, b);
		},
		validate: (v) => {
			if (v.count !== undefined) return Number.isInteger(v.count) && v.count >= 0 ? [] : ["value.count must be an integer >= 0"];
			return typeof v.number === "number" && Number.isFinite(v.number) ? [] : [`${name} needs value.count or value.number`];
		},
	};
}

function memberOf(set: MetricValue): (item: string | number) => boolean {
	const cidrs = set.cidrs;
	if (cidrs) return (item) => inCidrs(cidrs, String(item));
	const members = listOf(set) ?? [];
	return (item) => members.includes(item);
}

function setOperator(name: string, field: ValueField, inside: boolean, check: (item: unknown) => boolean, what: string): Operator {
	return {
		name,
		fields: [field],
		numeric: false,
		compare: (d, t) => {
			const items = listOf(d) ?? [];
			const member = memberOf(t);
			return inside ? items.every(member) : !items.some(member);
		},
		validate: (v) => {
			const list = v[field] as unknown;
			if (!Array.isArray(list)) return [`${name} needs value.${field}`];
			return list.every(check) ? [] : [`value.${field} must contain only ${what}`];
		},
	};
}

const isPort = (p: unknown): boolean => Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 65535;
const isNumber = (n: unknown): boolean => typeof n === "number" && Number.isFinite(n);
const isString = (s: unknown): boolean => typeof s === "string";

export const OPERATORS: ReadonlyMap<string, Operator> = new Map(
	[
		numeric("less-than", (a, b) => a < b),
		numeric("less-than-equals", (a, b) => a <= b),
		numeric("greater-than", (a, b) => a > b),
		numeric("greater-than-equals", (a, b) => a >= b),
		setOperator("in-cidr-set", "cidrs", true, (c) => isCidr(c), "CIDRs like 10.0.0.0/8"),
		setOperator("not-in-cidr-set", "cidrs", false, (c) => isCidr(c), "CIDRs like 10.0.0.0/8"),
		setOperator("in-port-set", "ports", true, isPort, "ports 0-65535"),
		setOperator("not-in-port-set", "ports", false, isPort, "ports 0-65535"),
		setOperator("in-set", "numbers", true, isNumber, "numbers"),
		setOperator("not-in-set", "numbers", false, isNumber, "numbers"),
	].map((op) => [op.name, op]),
);

/** in-set / not-in-set read value.strings for string-list metrics. */
export const STRING_SET_OPERATORS: ReadonlyMap<string, Operator> = new Map(
	[setOperator("in-set", "strings", true, isString, "strings"), setOperator("not-in-set", "strings", false, isString, "strings")].map((op) => [op.name, op]),
);
