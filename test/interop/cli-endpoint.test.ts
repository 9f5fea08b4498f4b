/*
 * `npm run cloud -- profile create|attach --endpoint …` goes through the running cloud's API and takes effect
 * at once (a violating report raises the new profile without a restart); without --endpoint the CLI refuses to
 * write the data dir of a running cloud.
 */
import { IoTClient, ListActiveViolationsCommand, ListSecurityProfilesCommand } from "@aws-sdk/client-iot";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { firstAccessKey } from "../../cloud/api/index";
import { CloudStore } from "../../cloud/store";
import { nextMessage, startTestCloud, tempDir, type CloudFixture } from "../helpers/cloud-setup";
import { runCli } from "../helpers/cli-cloud";
import { realClock } from "../../cloud/clock";

let fx: CloudFixture | undefined;
afterEach(async () => {
	await fx?.cleanup();
	fx = undefined;
});

const cli = runCli;

describe("cloud CLI as an API client", () => {
	it("creates and attaches a profile in the running cloud, which applies it to the next report", async () => {
		const dir = tempDir("cli-endpoint-");
		const data = join(dir, "data");
		fx = await startTestCloud({ dataDir: data, api: { port: 0 }, clock: realClock as never }, dir);
		const api = fx.cloud as unknown as { api?: { url: string } };
		const url = api.api?.url ?? "";
		const store = new CloudStore(data);
		const key = firstAccessKey(store);
		store.close();
		const env = { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
		const file = join(dir, "ports.json");
		writeFileSync(file, JSON.stringify({ securityProfileName: "Ports", behaviors: [{ name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [443] } } }] }));

		const refused = await cli({}, "profile", "create", "--file", file, "--data", data);
		expect(refused.code).toBe(2);
		expect(refused.err).toBe(`error: a cloud is running on ${data} (pid ${process.pid}): use --endpoint ${url}\n`);
		expect(await cli({}, "start", "--port", "0", "--data", data, "--pki", join(dir, "pki"))).toMatchObject({ code: 2, err: `error: a cloud is already running on ${data} (pid ${process.pid})\n` });

		expect(await cli(env, "profile", "create", "--file", file, "--endpoint", url)).toMatchObject({ code: 0, out: JSON.stringify({ securityProfileName: "Ports" }, null, 2) + "\n" });
		expect(await cli(env, "profile", "attach", "Ports", "--all", "--endpoint", url)).toMatchObject({ code: 0, out: "ok\n" });
		expect(await cli(env, "profile", "create", "--file", file, "--endpoint", url)).toMatchObject({ code: 2, err: "error: ResourceAlreadyExistsException: security profile Ports already exists\n" });
		// a wrong key is refused by the API: exit 2
		expect((await cli({ AWS_ACCESS_KEY_ID: "AKIAAAAAAAAAAAAAAAAA", AWS_SECRET_ACCESS_KEY: "x".repeat(40) }, "profile", "list", "--endpoint", url)).code).toBe(2);

		const iot = new IoTClient({ endpoint: url, region: "us-east-1", credentials: key, maxAttempts: 1 });
		try {
			expect((await iot.send(new ListSecurityProfilesCommand({}))).securityProfileIdentifiers?.map((p) => p.name)).toEqual(["Ports"]);
			const c = await fx.connect("dev-cli");
			await c.subscribeAsync("$aws/things/dev-cli/defender/metrics/json/+", { qos: 1 });
			const accepted = nextMessage(c, "$aws/things/dev-cli/defender/metrics/json/accepted");
			const report = { header: { report_id: 1, version: "1.0" }, metrics: { listening_tcp_ports: { ports: [{ port: 22 }], total: 1 } } };
			c.publish("$aws/things/dev-cli/defender/metrics/json", JSON.stringify(report), { qos: 1 });
			await accepted;
			const active = (await iot.send(new ListActiveViolationsCommand({ thingName: "dev-cli" }))).activeViolations ?? [];
			expect(active.map((v) => [v.securityProfileName, v.behavior?.name])).toEqual([["Ports", "ports"]]);
			const listed = await cli(env, "violations", "--endpoint", url);
			expect(JSON.parse(listed.out).activeViolations.map((v: { thingName: string }) => v.thingName)).toEqual(["dev-cli"]);
		} finally {
			iot.destroy();
		}
	}, 600_000);

	it("talks HTTPS to an API served with the cloud's certificate, trusting the CA of --pki", async () => {
		const dir = tempDir("cli-endpoint-https-");
		const data = join(dir, "data");
		fx = await startTestCloud({ dataDir: data, api: { port: 0, https: true }, clock: realClock as never }, dir);
		const url = (fx.cloud as unknown as { api?: { url: string } }).api?.url ?? "";
		expect(url).toMatch(/^https:\/\//);
		const store = new CloudStore(data);
		const key = firstAccessKey(store);
		store.close();
		const env = { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
		expect(await cli(env, "profile", "list", "--endpoint", url, "--pki", join(dir, "pki"))).toMatchObject({ code: 0, out: "[]\n" });
		// another CA (an empty pki dir: none) is not trusted
		const untrusted = await cli(env, "profile", "list", "--endpoint", url, "--pki", join(dir, "no-pki"));
		expect(untrusted.code).not.toBe(0);
		expect(untrusted.err.trim().split("\n")).toHaveLength(1);
		expect(untrusted.err).toMatch(/certificate/i);
	}, 600_000);
});
