/* The comparison operator table: compare direction, empty lists, and each value validator. */
import { describe, expect, it } from "vitest";
import { OPERATORS, STRING_SET_OPERATORS } from "../../cloud/detect/operators";
import { inCidrs, isCidr } from "../../cloud/detect/cidr";

const op = (n: string) => OPERATORS.get(n)!;

describe("cloud operators", () => {
	it.each([
		["less-than", 4, 5, true],
		["less-than", 5, 5, false],
		["less-than-equals", 5, 5, true],
		["less-than-equals", 6, 5, false],
		["greater-than", 6, 5, true],
		["greater-than", 5, 5, false],
		["greater-than-equals", 5, 5, true],
		["greater-than-equals", 4, 5, false],
	])("%s(%d, %d) conforms = %s", (name, a, b, ok) => {
		expect(op(name as string).compare({ count: a as number }, { count: b as number })).toBe(ok);
		expect(op(name as string).compare({ number: a as number }, { number: b as number })).toBe(ok);
	});

	it("numeric value validators", () => {
		expect(op("less-than").validate({ count: 3 })).toEqual([]);
		expect(op("less-than").validate({ count: -1 })).toEqual(["value.count must be an integer >= 0"]);
		expect(op("less-than").validate({ count: 1.5 })).toEqual(["value.count must be an integer >= 0"]);
		expect(op("less-than").validate({ number: -2.5 })).toEqual([]);
		expect(op("less-than").validate({ ports: [1] })).toEqual(["less-than needs value.count or value.number"]);
	});

	it("set operators: every element in / no element in; empty conforms", () => {
		expect(op("in-port-set").compare({ ports: [] }, { ports: [1] })).toBe(true);
		expect(op("not-in-port-set").compare({ ports: [] }, { ports: [1] })).toBe(true);
		expect(op("in-port-set").compare({ ports: [1, 2] }, { ports: [1] })).toBe(false);
		expect(op("not-in-port-set").compare({ ports: [2, 3] }, { ports: [1] })).toBe(true);
		expect(op("in-set").compare({ numbers: [1.5] }, { numbers: [1.5, 2] })).toBe(true);
		expect(op("not-in-set").compare({ numbers: [2] }, { numbers: [1.5, 2] })).toBe(false);
		expect(STRING_SET_OPERATORS.get("in-set")!.compare({ strings: ["a", "b"] }, { strings: ["a"] })).toBe(false);
		expect(op("in-cidr-set").compare({ cidrs: ["10.0.0.1"] }, { cidrs: ["10.0.0.0/24"] })).toBe(true);
		expect(op("not-in-cidr-set").compare({ cidrs: ["10.0.0.1"] }, { cidrs: ["10.0.0.0/24"] })).toBe(false);
	});

	it("set value validators", () => {
		expect(op("in-port-set").validate({ ports: [0, 65535] })).toEqual([]);
		expect(op("in-port-set").validate({ ports: [65536] })).toEqual(["value.ports must contain only ports 0-65535"]);
		expect(op("in-port-set").validate({ count: 1 })).toEqual(["in-port-set needs value.ports"]);
		expect(op("in-cidr-set").validate({ cidrs: ["10.0.0.0/33"] })).toEqual(["value.cidrs must contain only CIDRs like 10.0.0.0/8"]);
		expect(op("in-set").validate({ numbers: [1, "x" as unknown as number] })).toEqual(["value.numbers must contain only numbers"]);
		expect(STRING_SET_OPERATORS.get("not-in-set")!.validate({ strings: ["a", 3 as unknown as string] })).toEqual(["value.strings must contain only strings"]);
	});

	it("CIDR parsing", () => {
		expect(isCidr("10.0.0.0/8")).toBe(true);
		expect(isCidr("2001:db8::/32")).toBe(true);
		expect(isCidr("10.0.0.1")).toBe(true);
		expect(isCidr("10.0.0.0/x")).toBe(false);
		expect(isCidr("10.0.0.0/8/1")).toBe(false);
		expect(isCidr("host.example")).toBe(false);
		expect(inCidrs(["10.0.0.1"], "10.0.0.1")).toBe(true);
		expect(inCidrs(["10.0.0.0/8"], "not-an-ip")).toBe(false);
		expect(inCidrs(["::1/128"], "::1")).toBe(true);
	});
});
