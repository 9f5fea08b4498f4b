/* config-parse — the firmware config parser: manifest JSON types, command-line strings, one clear error per bad setting. */
import { describe, expect, it } from "vitest";
import { ConfigError, MIN_INTERVAL_SECONDS, parseConfig } from "../../modules/config/config";

const base = { thingName: "Thing-1", endpoint: "abc-ats.iot.eu-west-1.amazonaws.com", certificate: "device.der", privateKey: "private-key.der", ca: "ca.der" };

function errorOf(raw: Record<string, unknown>): ConfigError {
	try {
		parseConfig(raw);
	} catch (e) {
		expect(e).toBeInstanceOf(ConfigError);
		return e as ConfigError;
	}
	throw new Error("parseConfig accepted a bad config");
}

describe("parseConfig defaults and JSON values", () => {
	it("fills the defaults when only the required keys are given", () => {
		expect(parseConfig(base)).toEqual({ ...base, port: 8883, alpn: undefined, intervalSeconds: MIN_INTERVAL_SECONDS, allowShortInterval: false, format: "json-short", rogue: false, sntp: undefined });
	});

	it("takes typed manifest values", () => {
		const c = parseConfig({ ...base, port: 443, alpn: "x-amzn-mqtt-ca", interval: 600, reportFormat: "cbor", rogue: true, sntp: "pool.ntp.org" });
		expect(c).toMatchObject({ port: 443, alpn: "x-amzn-mqtt-ca", intervalSeconds: 600, format: "cbor", rogue: true, sntp: "pool.ntp.org" });
	});

	it("treats null and empty optional values as absent", () => {
		const c = parseConfig({ ...base, alpn: "", sntp: null, port: "", rogue: null });
		expect(c).toMatchObject({ alpn: undefined, sntp: undefined, port: 8883, rogue: false });
	});
});

describe("parseConfig command-line strings", () => {
	it("converts numbers and flags given as strings", () => {
		const c = parseConfig({ ...base, port: "8884", interval: "2", allowShortInterval: "on", rogue: "true", reportFormat: "json" });
		expect(c).toMatchObject({ port: 8884, intervalSeconds: 2, allowShortInterval: true, rogue: true, format: "json" });
	});

	it.each([["off", false], ["false", false], ["0", false], [0, false], [false, false], ["on", true], ["1", true], [1, true]])("reads rogue=%s as %s", (value, expected) => {
		expect(parseConfig({ ...base, rogue: value }).rogue).toBe(expected);
	});

	it("accepts an IPv4 endpoint", () => {
		expect(parseConfig({ ...base, endpoint: "127.0.0.1" }).endpoint).toBe("127.0.0.1");
	});
});

describe("parseConfig missing settings", () => {
	it.each(["thingName", "endpoint", "certificate", "privateKey", "ca"])("names the missing %s", (key) => {
		const raw: Record<string, unknown> = { ...base };
		delete raw[key];
		const e = errorOf(raw);
		expect(e.code).toBe("MissingSetting");
		expect(e.key).toBe(key);
		expect(e.message).toBe(`MissingSetting: config "${key}" is missing (set it in manifest.json "config" or as mcconfig ${key}=…)`);
	});

	it("counts an empty string as missing", () => {
		expect(errorOf({ ...base, thingName: "" }).code).toBe("MissingSetting");
	});
});

describe("parseConfig malformed settings", () => {
	it.each([
		["thingName", "a/b"],
		["thingName", "x".repeat(129)],
		["thingName", 42],
		["endpoint", "bad host!"],
		["endpoint", "-lead.example.com"],
		["endpoint", `${"a".repeat(60)}.`.repeat(5)],
		["port", "0"],
		["port", 70000],
		["port", "88a"],
		["port", 1.5],
		["port", true],
		["interval", "soon"],
		["interval", "0.5"],
		["interval", Infinity],
		["reportFormat", "xml"],
		["reportFormat", 3],
		["reportFormat", ""],
		["rogue", "maybe"],
		["allowShortInterval", "yes"],
		["alpn", 7],
		["certificate", ["a"]],
		["sntp", "no such host"],
	])("rejects %s = %j", (key, value) => {
		const e = errorOf({ ...base, [key]: value });
		expect(e.code).toBe("BadSetting");
		expect(e.key).toBe(key);
		expect(e.message.startsWith(`BadSetting: config "${key}" is `)).toBe(true);
		expect(e.name).toBe("ConfigError");
	});

	it("refuses an interval below 300 s unless allowShortInterval is on", () => {
		const e = errorOf({ ...base, interval: "60" });
		expect(e.key).toBe("interval");
		expect(e.message).toContain("allowShortInterval=on");
		expect(parseConfig({ ...base, interval: "60", allowShortInterval: true }).intervalSeconds).toBe(60);
	});
});
