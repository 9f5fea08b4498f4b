/* `npm run cloud -- start` for a person at the terminal: connect/disconnect lines and the status line on stderr, alerts as readable lines on stdout. */
import { AttachSecurityProfileCommand, CreateSecurityProfileCommand, IoTClient } from "@aws-sdk/client-iot";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../helpers/cloud-setup";
import { apiKeyOf, startCliCloud, TSX, type CliCloud } from "../helpers/cli-cloud";

const run = promisify(execFile);
let cloud: CliCloud | undefined;
afterEach(async () => {
	await cloud?.stop();
	cloud = undefined;
});

describe("cloud start at the terminal", () => {
	it("prints connections, a status line per interval and readable alerts", async () => {
		const c = (cloud = await startCliCloud("cli-terminal-", ["--status-interval", "1", "--allow", "/rogue/agent"]));
		const { url, pki } = c;
		const err = (): string => c.stderr();
		const out = (): string => c.stdout();
		const port = Number(/broker on mqtts:\/\/127\.0\.0\.1:(\d+)/.exec(err())?.[1]);
		const iot = new IoTClient({ endpoint: url, region: "us-east-1", credentials: await apiKeyOf(c.data), maxAttempts: 1 });
		try {
			const behavior = { name: "bigMessage", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than" as const, value: { count: 10 }, consecutiveDatapointsToAlarm: 1 } };
			await iot.send(new CreateSecurityProfileCommand({ securityProfileName: "TerminalProfile", behaviors: [behavior] }));
			await iot.send(new AttachSecurityProfileCommand({ securityProfileName: "TerminalProfile", securityProfileTargetArn: "arn:aws:iot:us-east-1:000000000000:all/things" }));
		} finally {
			iot.destroy();
		}
		const files = JSON.parse((await run(TSX, ["cloud/cli.ts", "cert", "Gateway-7", "--pki", pki])).stdout) as { certPem: string; keyPem: string };
		const device = await mqtt.connectAsync({ host: "127.0.0.1", port, protocol: "mqtts", clientId: "Gateway-7", ca: readFileSync(join(pki, "ca.cert.pem")), cert: readFileSync(files.certPem), key: readFileSync(files.keyPem), reconnectPeriod: 0 });
		await until(() => /Gateway-7 connected from \S+ \(1 connected\)/.test(err()), "the connect line", 20_000);
		await until(() => /status .*: 1 connected, reports in the last 1 s: 0 accepted, 0 rejected; \d+ active violations/.test(err()), "a status line", 20_000);
		await device.publishAsync("/rogue/agent", "x".repeat(200), { qos: 1 });
		await until(() => out().includes("ALARM"), "the alert line", 20_000).catch((e: Error) => { throw new Error(`${e.message}\nstdout: ${out()}\nstderr: ${err()}`); });
		expect(out()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d {2}ALARM {8}Gateway-7 {2}TerminalProfile\/bigMessage {2}aws:message-byte-size = 200 \(normal: less-than 10\) {2}violation \S+$/m);
		expect(out()).not.toContain("{");
		await device.endAsync();
		await until(() => /Gateway-7 disconnected \(0 connected\)/.test(err()), "the disconnect line", 20_000);
	}, 300_000);
});
