/* The mosquitto plugin's TypeScript side without a broker: conf lines, generated facts, the counters consumer, revocation file, CLI. */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pluginConfLines, pluginFactsHeader, PLUGIN_METRICS_FILTER } from "../../cloud/broker/plugin";
import { messageSizes, parsePluginBatch, PluginMetrics, type PluginCounters } from "../../cloud/broker/plugin-metrics";
import { revokeCertificate, revokedEntries } from "../../cloud/broker/revocation";
import type { BrokerHooks } from "../../cloud/broker/server";
import { DEFENDER_BRIDGE, THING_NAME_MAX, THINGS_PREFIX } from "../../modules/facts/facts";
import { tempDir } from "../helpers/cloud-setup";

const dir = tempDir("cloud-plugin-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function counters(over: Partial<PluginCounters> = {}): PluginCounters {
	return { thing: "T", sent: 0, bytes: 0, minSize: 0, maxSize: 0, received: 0, authorizationFailures: 0, connectionAttempts: 0, connects: 0, disconnects: 0, reports: 0, online: false, ip: "", ...over };
}

function recorder(): { calls: string[]; hooks: BrokerHooks } {
	const calls: string[] = [];
	return {
		calls,
		hooks: {
			connectAttempt: (t) => calls.push(`attempt ${t}`),
			connected: (t, ip) => calls.push(`connected ${t} ${ip}`),
			disconnected: (t) => calls.push(`disconnected ${t}`),
			authorizationFailure: (t) => calls.push(`authz ${t}`),
			fromDevice: (t, topic, payload) => calls.push(`sent ${t} ${topic === "" ? payload.length : topic}`),
			toDevice: (t) => calls.push(`received ${t}`),
			report: (topic) => calls.push(`report ${topic}`),
		},
	};
}

const msg = (...c: unknown[]): [string, Buffer] => ["$defender/metrics/batch", Buffer.from(JSON.stringify(c))];

describe("plugin build inputs", () => {
	it("facts.h carries the shared facts", () => {
		const h = pluginFactsHeader();
		expect(h).toContain(`#define DEF_THING_NAME_MAX ${THING_NAME_MAX}`);
		expect(h).toContain(`#define DEF_THINGS_PREFIX "${THINGS_PREFIX}"`);
		expect(h).toContain(`#define DEF_DEFENDER_BRIDGE "${DEFENDER_BRIDGE}"`);
		expect(h).toContain('#define DEF_SERVICE_PREFIX "$defender/"');
		expect(h).toContain('#define DEF_METRICS_TOPIC "$defender/metrics/batch"');
		expect(h).toContain("#define DEF_MAX_ALLOW 64");
		expect(PLUGIN_METRICS_FILTER).toBe("$defender/metrics/+");
	});

	it("conf lines: the plugin, the service identity, the interval, the revocation list and one option per allowed filter", () => {
		expect(pluginConfLines({ path: "/x/defender_plugin.so", allowTopics: ["/rogue/agent", "fleet/${iot:ClientId}/#"], revokedFile: "/x/revoked.txt", intervalMs: 250 })).toEqual([
			"plugin /x/defender_plugin.so",
			"plugin_opt_service_id defender-detect",
			"plugin_opt_interval_ms 250",
			"plugin_opt_batch_things 128",
			"plugin_opt_revoked_file /x/revoked.txt",
			"plugin_opt_allow_1 /rogue/agent",
			"plugin_opt_allow_2 fleet/${iot:ClientId}/#",
		]);
		expect(() => pluginConfLines({ path: "/x.so", allowTopics: ["a\nplugin_opt_service_id evil"] })).toThrow(/cannot go in mosquitto.conf/);
		expect(() => pluginConfLines({ path: "/x.so", intervalMs: 5 })).toThrow(/10..3600000/);
		expect(() => pluginConfLines({ path: "/x.so", batchThings: 129 })).toThrow(/1..128/);
		expect(() => pluginConfLines({ path: "/x.so", allowTopics: Array.from({ length: 65 }, (_, i) => `t/${i}`) })).toThrow(/at most 64 allowed topics, got 65/);
	});
});

describe("plugin counters consumer", () => {
	it("message sizes: exact sum, smallest and largest included", () => {
		for (const c of [{ sent: 1, bytes: 7, minSize: 7, maxSize: 7 }, { sent: 2, bytes: 11, minSize: 1, maxSize: 10 }, { sent: 5, bytes: 1114, minSize: 1, maxSize: 1000 }, { sent: 0, bytes: 0, minSize: 0, maxSize: 0 }]) {
			const sizes = [...messageSizes(c)];
			expect(sizes).toHaveLength(c.sent);
			expect(sizes.reduce((a, b) => a + b, 0)).toBe(c.bytes);
			if (c.sent) expect([Math.min(...sizes), Math.max(...sizes)]).toEqual([c.minSize, c.maxSize]);
		}
	});

	it("turns one message of deltas into the embedded broker's hook calls, ending in the reported state", () => {
		const { calls, hooks } = recorder();
		const m = new PluginMetrics(hooks, () => {});
		m.handle(...msg(counters({ sent: 2, bytes: 30, minSize: 10, maxSize: 20, received: 1, authorizationFailures: 1, connectionAttempts: 1, connects: 1, online: true, ip: "10.1.2.3" })));
		expect(calls).toEqual(["attempt T", "authz T", "sent T 10", "sent T 20", "received T", "connected T 10.1.2.3"]);
		expect(m.connectedThings()).toEqual(["T"]);
		calls.length = 0;
		m.handle(...msg(counters({ connects: 1, disconnects: 1, online: true, ip: "10.1.2.4" })));
		expect(calls).toEqual(["disconnected T", "connected T 10.1.2.4"]);
		calls.length = 0;
		m.handle(...msg(counters({ connects: 1, disconnects: 2, online: false })));
		expect(calls).toEqual(["connected T ", "disconnected T", "disconnected T"]);
		expect(m.connectedThings()).toEqual([]);
	});

	it("applies every thing of a batch", () => {
		const { calls, hooks } = recorder();
		new PluginMetrics(hooks, () => {}).handle(...msg(counters({ thing: "A", received: 1 }), counters({ thing: "B", connectionAttempts: 1 })));
		expect(calls).toEqual(["received A", "attempt B"]);
	});

	it("bad messages and entries are logged and left out; good entries of the same batch still count", () => {
		const { calls, hooks } = recorder();
		const logs: string[] = [];
		const m = new PluginMetrics(hooks, (s) => logs.push(s));
		m.handle("$defender/metrics/batch", Buffer.from("{"));
		m.handle("$defender/metrics/batch", Buffer.from(JSON.stringify(counters())));
		m.handle(...msg(counters({ sent: -1 }), counters({ sent: 2, bytes: 3, minSize: 2, maxSize: 2 }), counters({ thing: "a+b" }), null, counters({ thing: "Good", received: 1 })));
		expect(calls).toEqual(["received Good"]);
		expect(logs).toEqual([
			expect.stringContaining("are not JSON"),
			expect.stringContaining("must be a JSON array"),
			expect.stringContaining("sent must be a non-negative integer"),
			expect.stringContaining("sizes do not add up"),
			expect.stringContaining("thing name"),
			expect.stringContaining("must be an object"),
		]);
		expect(parsePluginBatch("$aws/things/T/x", Buffer.from("[]")).problems).toEqual(["not the plugin metrics topic: $aws/things/T/x"]);
		expect(PluginMetrics.isPluginTopic("$defender/metrics/batch")).toBe(true);
		expect(PluginMetrics.isPluginTopic("$aws/things/T/defender/metrics/json")).toBe(false);
	});
});

describe("revocation list and CLI", () => {
	it("appends checked entries", () => {
		const file = join(dir, "sub", "revoked.txt");
		expect(revokedEntries(file)).toEqual([]);
		revokeCertificate(file, { thing: "Bad:1" });
		revokeCertificate(file, { serial: "0A1b" });
		expect(readFileSync(file, "utf8")).toBe("Bad:1\nserial:0A1b\n");
		expect(() => revokeCertificate(file, { serial: "" })).toThrow(/hex digits/);
		expect(() => revokeCertificate(file, { thing: "" })).toThrow(/thing name/);
		expect(revokedEntries(file)).toEqual(["Bad:1", "serial:0A1b"]);
	});

	it("npm run cloud -- mosquitto-conf --plugin builds the plugin and writes its lines; usage errors exit 2", () => {
		const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "cloud/cli.ts", ...args], { encoding: "utf8", timeout: 60_000 });
		const out = join(dir, "conf");
		const r = cli("mosquitto-conf", "--port", "18885", "--out", out, "--pki", join(dir, "pki"), "--plugin", "--revoked", join(dir, "rev.txt"), "--allow", "/rogue/agent", "--user", "root");
		expect(r.status, r.stderr).toBe(0);
		expect(JSON.parse(r.stdout).plugin).toBe(join(out, "defender_plugin.so"));
		const conf = readFileSync(join(out, "mosquitto.conf"), "utf8").split("\n");
		expect(conf).toEqual(expect.arrayContaining([`plugin ${join(out, "defender_plugin.so")}`, `plugin_opt_revoked_file ${join(dir, "rev.txt")}`, "plugin_opt_allow_1 /rogue/agent"]));
		expect(conf.some((l) => l.startsWith("acl_file") || l.startsWith("use_identity_as_username"))).toBe(false);
		expect(cli("mosquitto-conf", "--port", "18885", "--out", out, "--pki", join(dir, "pki2"), "--revoked", "x")).toMatchObject({ status: 2, stderr: "error: --revoked needs --plugin\n" });
		expect(cli("start", "--plugin")).toMatchObject({ status: 2, stderr: expect.stringContaining("--plugin goes with --broker") });
		expect(cli("revoke", "T", "--file", join(dir, "r.txt"))).toMatchObject({ status: 0 });
		expect(revokedEntries(join(dir, "r.txt"))).toEqual(["T"]);
	}, 150_000); // four CLI processes and a gcc build on a shared machine
});
