import { describe, expect, it } from "vitest";
import { ArgsError, parseArgs } from "../../hardware/host/args";

const base = ["--thing", "MyDevice", "--host", "127.0.0.1", "--port", "8883", "--ca", "ca.pem", "--cert", "c.pem", "--key", "k.pem"];

describe("npm run device arguments", () => {
	it("parses the required arguments with defaults", () => {
		expect(parseArgs(base)).toEqual({ thing: "MyDevice", host: "127.0.0.1", port: 8883, ca: "ca.pem", cert: "c.pem", key: "k.pem", format: "json-short", interval: undefined, allowShortInterval: false, replyTimeout: undefined, store: ".defender-MyDevice.json", rogue: false, rogueTopic: undefined });
	});

	it("parses every option", () => {
		const a = parseArgs([...base, "--format", "cbor", "--interval", "600", "--allow-short-interval", "--reply-timeout", "10", "--store", "s.json", "--rogue", "--rogue-topic", "x/y"]);
		expect(a).toMatchObject({ format: "cbor", interval: 600, allowShortInterval: true, replyTimeout: 10, store: "s.json", rogue: true, rogueTopic: "x/y" });
	});

	it("refuses bad arguments with a clear message and the usage", () => {
		const bad: [string[], RegExp][] = [
			[base.slice(2), /missing --thing/],
			[[...base, "--format", "xml"], /--format must be one of json, json-short, cbor, got xml/],
			[[...base.slice(0, 5), "88x3", ...base.slice(6)], /--port must be an integer 1\.\.65535, got "88x3"/],
			[[...base.slice(0, 5), "70000", ...base.slice(6)], /--port must be an integer/],
			[[...base, "--interval", "soon"], /--interval must be a positive number of seconds/],
			[[...base, "--interval", ""], /--interval must be a positive number/],
			[[...base, "--reply-timeout", "-1"], /--reply-timeout must be a positive number/],
			[[...base, "--verbose"], /unknown argument "--verbose"/],
			[[...base, "--store"], /--store needs a value/],
			[[...base, "--store", "--rogue"], /--store needs a value/],
			[[...base, "--rogue", "--rogue"], /--rogue given twice/],
		];
		for (const [argv, message] of bad) {
			expect(() => parseArgs(argv)).toThrow(ArgsError);
			expect(() => parseArgs(argv)).toThrow(message);
			expect(() => parseArgs(argv)).toThrow(/usage: npm run device/);
		}
	});
});
