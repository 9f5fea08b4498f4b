/* The external-broker pieces that need no broker: the mosquitto config + ACL generator, the reserved Detect CN, refusals. */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeMosquittoConf } from "../../cloud/broker/mosquitto-conf";
import { filtersMatching, thingRole } from "../../cloud/broker/mosquitto-dynsec";
import { topicMatches } from "../../cloud/broker/policy";
import { startCloud } from "../../cloud/index";
import { DETECT_CLIENT_CN, ensureServerCertificate, issueThingCertificate } from "../../cloud/pki";
import { tempDir } from "../helpers/cloud-setup";
import { freePort } from "../helpers/mosquitto";

const dir = tempDir("cloud-mosquitto-conf-");

function cli(...args: string[]): { code: number | null; out: string; err: string } {
	const r = spawnSync(process.execPath, ["--import", "tsx", "cloud/cli.ts", ...args], { encoding: "utf8", timeout: 60_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("mosquitto config generator", () => {
	it("lists every subscription filter under the own prefix that matches a report topic, and only those", () => {
		const filters = filtersMatching("T", "$aws/things/T/defender/metrics/json");
		expect(filters).toEqual(expect.arrayContaining(["$aws/things/T/#", "$aws/things/T/+/#", "$aws/things/T/defender/metrics/json", "$aws/things/T/+/+/+", "$aws/things/T/defender/metrics/json/#"]));
		expect(filters).toHaveLength(23);
		for (const f of filters) expect(topicMatches(f, "$aws/things/T/defender/metrics/json"), f).toBe(true);
		expect(filters).not.toContain("$aws/things/T/defender/metrics/json/accepted");
	});

	it("a thing's role: denials first (no subscribe to reports, no reply publish), then its prefix and the allowed topics", () => {
		const role = thingRole("T", ["fleet/${iot:ClientId}/cmd"]);
		const deny = role.acls.filter((a) => !a.allow);
		expect(deny.every((a) => a.priority > 0)).toBe(true);
		expect(deny.filter((a) => a.acltype === "publishClientSend").map((a) => a.topic)).toEqual(["json/accepted", "json/rejected", "cbor/accepted", "cbor/rejected"].map((k) => `$aws/things/T/defender/metrics/${k}`));
		expect(role.acls.filter((a) => a.allow && a.acltype === "subscribePattern").map((a) => a.topic)).toEqual(["$aws/things/T/#", "fleet/T/cmd"]);
		expect(() => thingRole("T", ["a\nb"])).toThrow(/cannot be an MQTT topic filter/);
		expect(() => thingRole("T", [""])).toThrow(/cannot be an MQTT topic filter/);
	});

	it("writes mosquitto.conf: mutual TLS, identity = CN = client id, the plugin, no queue limit; things from the pki", () => {
		const pkiDir = join(dir, "pki");
		ensureServerCertificate(pkiDir);
		issueThingCertificate(pkiDir, "dev-1");
		const files = writeMosquittoConf({ port: 18883, pkiDir, outDir: join(dir, "out"), user: "root", dynsecPlugin: "/x/mosquitto_dynamic_security.so" });
		const conf = readFileSync(files.conf, "utf8").split("\n");
		expect(conf).toEqual(expect.arrayContaining([
			"user root", "listener 18883 127.0.0.1", "require_certificate true", "use_identity_as_username true", "use_username_as_clientid true", "allow_anonymous false",
			"plugin /x/mosquitto_dynamic_security.so", `plugin_opt_config_file ${files.dynsec}`, "max_queued_messages 100000000", "queue_qos0_messages true",
			`keyfile ${join(dir, "out", "certs", "server.key.pem")}`,
		]));
		expect(conf.join("\n")).not.toContain("ca.key");
		expect(files.things).toEqual(["dev-1"]);
		const dynsec = JSON.parse(readFileSync(files.dynsec ?? "(no dynamic-security.json written)", "utf8"));
		expect(dynsec.clients.map((c: { username: string }) => c.username)).toEqual([DETECT_CLIENT_CN, "dev-1"]);
		expect(dynsec.defaultACLAccess).toEqual({ publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true });
	});

	it("refuses a bad port, a bad user and an unreachable out dir", () => {
		expect(() => writeMosquittoConf({ port: 0, pkiDir: dir, outDir: dir })).toThrow("port must be 1..65535, got 0");
		expect(() => writeMosquittoConf({ port: 1, pkiDir: dir, outDir: dir, user: "a b" })).toThrow(/system user name/);
		expect(() => writeMosquittoConf({ port: 1, pkiDir: dir, outDir: dir, user: "root", things: ["a/b"] })).toThrow(/thing name "a\/b" must be/);
		expect(() => writeMosquittoConf({ port: 1, pkiDir: dir, outDir: dir, user: "root", things: [DETECT_CLIENT_CN] })).toThrow(/Detect client/);
		const closed = join(dir, "closed");
		mkdirSync(closed, { mode: 0o700 });
		chmodSync(closed, 0o700);
		expect(() => writeMosquittoConf({ port: 1, pkiDir: join(dir, "pki"), outDir: join(closed, "m"), dynsecPlugin: "/x.so" })).toThrow(/cannot enter .*closed \(mode 0700\)/);
	});

	it("no thing may take the Detect client's name", () => {
		expect(() => issueThingCertificate(join(dir, "pki"), DETECT_CLIENT_CN)).toThrow(/reserved for the cloud's Detect client/);
	});
});

describe("external broker start-up", () => {
	it("fails with a clear error when the broker is not there, or the URL is not mqtts", async () => {
		const port = await freePort();
		const pkiDir = join(dir, "pki");
		await expect(startCloud({ pkiDir, log: () => {}, broker: { url: `mqtts://127.0.0.1:${port}` } })).rejects.toThrow(`cannot connect to the external broker mqtts://127.0.0.1:${port}`);
		await expect(startCloud({ pkiDir, log: () => {}, broker: { url: `mqtt://127.0.0.1:${port}` } })).rejects.toThrow(/must be mqtts:\/\/host:port/);
		expect(existsSync(join(pkiDir, `${DETECT_CLIENT_CN}.cert.pem`))).toBe(true);
	});
});

describe("cloud cli: external broker", () => {
	it("mosquitto-conf writes both files and the Detect client certificate; bad options exit 2", () => {
		const base = ["--pki", join(dir, "cli-pki")];
		mkdirSync(join(dir, "cli-pki"));
		chownSync(join(dir, "cli-pki"), 4321, 4321);
		const r = cli("mosquitto-conf", "--port", "18884", "--out", join(dir, "cli-out"), "--allow", "/rogue/agent", "--thing", "dev-9", "--user", "root", ...base);
		expect(r.code, r.err).toBe(0);
		const files = JSON.parse(r.out);
		expect(readFileSync(files.conf, "utf8")).toContain("listener 18884 127.0.0.1");
		expect(readFileSync(files.dynsec ?? "(no dynamic-security.json written)", "utf8")).toContain('"topic": "/rogue/agent"');
		// run as root, the Detect client's key stays readable by the pki's owner (who runs the cloud)
		expect(statSync(join(dir, "cli-pki", `${DETECT_CLIENT_CN}.key.pem`)).uid).toBe(4321);
		expect(cli("mosquitto-conf", "--out", dir, ...base)).toMatchObject({ code: 2, err: "error: mosquitto-conf needs --port 1..65535\n" });
		expect(cli("mosquitto-conf", "--port", "1883", ...base)).toMatchObject({ code: 2, err: "error: missing --out\n" });
		expect(cli("start", "--broker", "http://127.0.0.1:1", ...base)).toMatchObject({ code: 2, err: 'error: --broker must be mqtts://host:port, got "http://127.0.0.1:1"\n' });
		expect(cli("help").out).toMatch(/mosquitto-conf --port PORT --out DIR/);
	});
});
