/* The external-broker pieces that need no broker: the mosquitto config + ACL generator, the reserved Detect CN, refusals. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mosquittoAcl, writeMosquittoConf } from "../../cloud/broker/mosquitto-conf";
import { startCloud } from "../../cloud/index";
import { DETECT_CLIENT_CN, issueThingCertificate } from "../../cloud/pki";
import { tempDir } from "../helpers/cloud-setup";
import { freePort } from "../helpers/mosquitto";

const dir = tempDir("cloud-mosquitto-conf-");

function cli(...args: string[]): { code: number | null; out: string; err: string } {
	const r = spawnSync(process.execPath, ["--import", "tsx", "cloud/cli.ts", ...args], { encoding: "utf8", timeout: 60_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("mosquitto config generator", () => {
	it("writes an ACL: own prefix per username (= certificate CN), allowed topics for everyone, Detect reads all reports", () => {
		expect(mosquittoAcl(["/rogue/agent", "fleet/${iot:ClientId}/cmd"]).split("\n")).toEqual([
			expect.stringMatching(/^# generated/),
			"pattern readwrite $aws/things/%u/#",
			"pattern readwrite /rogue/agent",
			"pattern readwrite fleet/%u/cmd",
			"",
			`user ${DETECT_CLIENT_CN}`,
			"topic readwrite $aws/things/+/defender/metrics/#",
			"",
		]);
	});

	it("writes mosquitto.conf: mutual TLS on 127.0.0.1 with the pki's files, identity as username, the ACL", () => {
		const files = writeMosquittoConf({ port: 18883, pkiDir: join(dir, "pki"), outDir: join(dir, "out"), user: "someone" });
		const conf = readFileSync(files.conf, "utf8").split("\n");
		expect(conf).toEqual(expect.arrayContaining([
			"user someone", "listener 18883 127.0.0.1", "require_certificate true", "use_identity_as_username true", "allow_anonymous false",
			`acl_file ${files.acl}`, `cafile ${join(dir, "pki", "ca.cert.pem")}`, `certfile ${join(dir, "pki", "server.cert.pem")}`, `keyfile ${join(dir, "pki", "server.key.pem")}`,
		]));
		expect(readFileSync(files.acl, "utf8")).toBe(mosquittoAcl());
	});

	it("refuses a bad port and a topic that cannot go in an ACL line", () => {
		expect(() => writeMosquittoConf({ port: 0, pkiDir: dir, outDir: dir })).toThrow("port must be 1..65535, got 0");
		expect(() => mosquittoAcl(["a\nuser defender-detect"])).toThrow(/cannot go in an ACL file/);
		expect(() => mosquittoAcl([""])).toThrow(/cannot go in an ACL file/);
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
		const r = cli("mosquitto-conf", "--port", "18884", "--out", join(dir, "cli-out"), "--allow", "/rogue/agent", ...base);
		expect(r.code, r.err).toBe(0);
		const files = JSON.parse(r.out);
		expect(readFileSync(files.conf, "utf8")).toContain("listener 18884 127.0.0.1");
		expect(readFileSync(files.acl, "utf8")).toContain("pattern readwrite /rogue/agent");
		expect(existsSync(join(dir, "cli-pki", `${DETECT_CLIENT_CN}.key.pem`))).toBe(true);
		expect(cli("mosquitto-conf", "--out", dir, ...base)).toMatchObject({ code: 2, err: "error: mosquitto-conf needs --port 1..65535\n" });
		expect(cli("mosquitto-conf", "--port", "1883", ...base)).toMatchObject({ code: 2, err: "error: missing --out\n" });
		expect(cli("start", "--broker", "http://127.0.0.1:1", ...base)).toMatchObject({ code: 2, err: 'error: --broker must be mqtts://host:port, got "http://127.0.0.1:1"\n' });
		expect(cli("help").out).toMatch(/mosquitto-conf --port PORT --out DIR/);
	});
});
