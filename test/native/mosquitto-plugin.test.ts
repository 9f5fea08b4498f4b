/*
 * The mosquitto plugin's C without a broker: the plugin builds with -Wall -Wextra -Werror against
 * mosquitto-dev; test/native/plugin/plugin_test.c checks the things table, the revocation list and the
 * thing-name rule (also under valgrind memcheck); and the C policy answers exactly like
 * cloud/broker/policy.ts (TopicPolicy) on generated topics and filters.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlugin, C_FLAGS, PLUGIN_SOURCE_DIR, writeFactsHeader } from "../../cloud/broker/plugin";
import { TopicPolicy } from "../../cloud/broker/policy";
import { checkThingName } from "../../cloud/thing-name";

const ALLOW = ["/rogue/agent", "rogue/${iot:ClientId}/#", "x/+/y"];
let dir: string;
let testBin: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "plugin-native-"));
	const inc = writeFactsHeader(join(dir, "include"));
	testBin = join(dir, "plugin_test");
	const sources = ["policy.c", "things.c", "revoked.c"].map((f) => join(PLUGIN_SOURCE_DIR, f));
	execFileSync("gcc", [...C_FLAGS, `-I${inc}`, `-I${PLUGIN_SOURCE_DIR}`, "-o", testBin, join(import.meta.dirname, "plugin", "plugin_test.c"), ...sources]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oracle(queries: string[]): string[] {
	const r = spawnSync(testBin, ["oracle", ...ALLOW], { input: queries.join("\n") + "\n", encoding: "utf8" });
	expect(r.status, r.stderr).toBe(0);
	return r.stdout.trim().split("\n");
}

const LEVELS = ["$aws", "things", "A", "B", "defender", "metrics", "json", "cbor", "accepted", "rejected", "+", "#", "rogue", "agent", "x", "y", ""];
const topicArb = fc.array(fc.constantFrom(...LEVELS), { minLength: 1, maxLength: 7 }).map((l) => l.join("/"));
const prefixed = fc.tuple(fc.constantFrom("A", "B"), fc.array(fc.constantFrom(...LEVELS), { minLength: 0, maxLength: 4 })).map(([t, l]) => ["$aws", "things", t, ...l].join("/"));

describe("mosquitto plugin C (no broker)", () => {
	it("builds with -Wall -Wextra -Werror against mosquitto-dev", () => {
		const so = buildPlugin(join(dir, "so"));
		expect(existsSync(so)).toBe(true);
		expect(C_FLAGS).toEqual(expect.arrayContaining(["-Wall", "-Wextra", "-Werror"]));
	});

	it("things table, revocation list and thing-name rule checks pass", () => {
		const out = execFileSync(testBin, ["check", dir], { encoding: "utf8" });
		expect(out).toMatch(/^(\d+) passed, 0 failed$/m);
		expect(Number(/^(\d+) passed/m.exec(out)?.[1])).toBeGreaterThanOrEqual(56);
	});

	it("the checks are clean under valgrind memcheck (no errors, no leaks)", () => {
		const r = spawnSync("valgrind", ["--quiet", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=9", testBin, "check", dir], { encoding: "utf8", timeout: 50_000 });
		expect(r.error, "valgrind must be installed (apt-get install valgrind)").toBeUndefined();
		expect(r.status, r.stderr).toBe(0);
	});

	it("the C thing-name rule is the one of modules/facts", () => {
		const fixed = ["MyDevice", "a:b_c-9", "x".repeat(128), "x".repeat(129), "a/b", "a+b", "a#", "é", "a b", "defender-detect", ";", "@", "[", "`", "{"];
		const alphabet = fc.constantFrom(..."aZ09:_-/+# .;@[`{~é".split(""));
		fc.assert(
			fc.property(fc.array(fc.string({ unit: alphabet, minLength: 1, maxLength: 140 }), { minLength: 20, maxLength: 20 }), (generated) => {
				const names = [...fixed, ...generated];
				const c = spawnSync(testBin, ["oracle"], { input: names.map((n) => `n ${n}`).join("\n") + "\n", encoding: "utf8" });
				expect(c.status).toBe(0);
				expect(c.stdout.trim().split("\n")).toEqual(names.map((n) => (checkThingName(n) === undefined ? "1" : "0")));
			}),
			{ numRuns: 20 },
		);
	});

	it("publish and subscribe decisions equal TopicPolicy's on generated topics", () => {
		const policy = new TopicPolicy(ALLOW);
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.constantFrom("p", "s"), fc.constantFrom("A", "B"), fc.oneof(topicArb, prefixed)), { minLength: 50, maxLength: 50 }), (cases) => {
				const got = oracle(cases.map(([op, thing, topic]) => `${op} ${thing} ${topic}`));
				const want = cases.map(([op, thing, topic]) => ((op === "p" ? policy.publish(thing, topic) : policy.subscribe(thing, topic)).allowed ? "1" : "0"));
				expect(got).toEqual(want);
			}),
			{ numRuns: 60 },
		);
	});

	it("delivery: own prefix and allowed topics only; report topics and $defender/ topics never", () => {
		expect(oracle([
			"r A $aws/things/A/defender/metrics/json/accepted",
			"r A $aws/things/A/x",
			"r A /rogue/agent",
			"r A rogue/A/1",
			"r A rogue/B/1",
			"r A $aws/things/B/x",
			"r A $aws/things/A/defender/metrics/json",
			"r A $defender/metrics/A",
			"s A $defender/metrics/+",
			"p A $defender/metrics/A",
		])).toEqual(["1", "1", "1", "1", "0", "0", "0", "0", "0", "0"]);
	});
});
