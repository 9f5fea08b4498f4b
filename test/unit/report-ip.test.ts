import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isIP, isIPv4, isIPv6, isRemoteAddr } from "../../modules/report/ip";

describe("ip validation", () => {
	it.each(["0.0.0.0", "255.255.255.255", "192.0.2.1", "10.0.0.1"])("accepts IPv4 %s", (a) => {
		expect(isIPv4(a)).toBe(true);
		expect(isIP(a)).toBe(true);
	});

	it.each([
		["three octets", "1.2.3"],
		["five octets", "1.2.3.4.5"],
		["an octet above 255", "1.2.3.256"],
		["a leading zero", "1.2.3.04"],
		["an empty octet", "1..3.4"],
		["a sign", "1.2.3.+4"],
		["four digits", "1.2.3.0004"],
		["a letter", "1.2.3.a"],
		["a trailing dot", "1.2.3.4."],
		["spaces", " 1.2.3.4"],
	])("refuses IPv4 with %s", (_n, a) => {
		expect(isIPv4(a)).toBe(false);
		expect(isIP(a)).toBe(false);
	});

	it.each(["::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.128", "1:2:3:4:5:6:1.2.3.4", "fe80::", "1::8", "1:2:3:4:5:6:7::"])("accepts IPv6 %s", (a) => {
		expect(isIPv6(a)).toBe(true);
	});

	it.each([
		["nine groups", "1:2:3:4:5:6:7:8:9"],
		["seven groups without ::", "1:2:3:4:5:6:7"],
		["two ::", "1::2::3"],
		["::: ", "1:::2"],
		["a leading single colon", ":1:2:3:4:5:6:7"],
		["a trailing single colon", "1:2:3:4:5:6:7:"],
		["a five-digit group", "12345::"],
		["a non-hex group", "g::1"],
		["a zone id", "fe80::1%eth0"],
		["eight groups and ::", "1:2:3:4::5:6:7:8"],
		["IPv4 not at the end", "::1.2.3.4:1"],
		["IPv4 before ::", "1.2.3.4::"],
		["a bad embedded IPv4", "::ffff:1.2.3.256"],
		["IPv4 plus seven groups", "1:2:3:4:5:6:7:1.2.3.4"],
		["empty", ""],
		["a control character as a digit", "\u0010::1"],
	])("refuses IPv6 with %s", (_n, a) => {
		expect(isIPv6(a)).toBe(false);
	});

	it("agrees with a reference on random IPv4 and IPv6 text", () => {
		fc.assert(fc.property(fc.ipV4(), (a) => isIPv4(a) && isIP(a)), { numRuns: 500 });
		fc.assert(fc.property(fc.ipV6(), (a) => isIPv6(a) && isIP(a)), { numRuns: 500 });
	});

	it.each(["10.0.0.1:0", "10.0.0.1:65535", "[2001:db8::1]:443", "[::]:1"])("accepts remote address %s", (a) => {
		expect(isRemoteAddr(a)).toBe(true);
	});

	it.each(["10.0.0.1", "10.0.0.1:65536", "10.0.0.1:-1", "10.0.0.1:", "[2001:db8::1]", "[2001:db8::1:443", "2001:db8::1]:443", "[10.0.0.1]:1", "host:80", "10.0.0.1:8o"])("refuses remote address %s", (a) => {
		expect(isRemoteAddr(a)).toBe(false);
	});
});
