/* `npm run cloud -- start --api-port` serves the API; `api-key` prints the pair it accepts; the database is owner-only. */
import { ListThingGroupsCommand, IoTClient } from "@aws-sdk/client-iot";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cloud-setup";
import { apiUrl } from "../helpers/api-setup";

const run = promisify(execFile);
const TSX = join("node_modules", ".bin", "tsx");
let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
	const c = child;
	if (c?.pid !== undefined && c.exitCode === null) {
		const exited = new Promise((r) => c.once("exit", r));
		c.kill("SIGTERM");
		await exited;
	}
	if (dir) rmSync(dir, { recursive: true, force: true });
	child = dir = undefined;
});

describe("cloud CLI with the API", () => {
	it("starts the API with --api-port and accepts the key api-key prints", async () => {
		dir = tempDir("api-cli-");
		const data = join(dir, "data");
		const pki = join(dir, "pki");
		child = spawn(TSX, ["cloud/cli.ts", "start", "--port", "0", "--api-port", "0", "--data", data, "--pki", pki, "--no-stdout"], { stdio: ["ignore", "ignore", "pipe"] });
		const url = await apiUrl(child);
		const { stdout } = await run(TSX, ["cloud/cli.ts", "api-key", "--data", data]);
		const m = /^AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})\nAWS_SECRET_ACCESS_KEY=(\S{40})\n$/.exec(stdout);
		if (!m) throw new Error(`unexpected api-key output: ${stdout.replace(/SECRET_ACCESS_KEY=\S+/, "SECRET_ACCESS_KEY=…")}`);
		expect(statSync(join(data, "cloud.sqlite")).mode & 0o077).toBe(0);
		const iot = new IoTClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: m[1], secretAccessKey: m[2] }, maxAttempts: 1 });
		try {
			expect((await iot.send(new ListThingGroupsCommand({}))).thingGroups).toEqual([]);
		} finally {
			iot.destroy();
		}
	}, 300_000);

	it("refuses a bad --api-scheme with a usage error", async () => {
		const e = (await run(TSX, ["cloud/cli.ts", "start", "--api-port", "0", "--api-scheme", "ftp"]).then(() => undefined, (err: unknown) => err)) as { code: number; stderr: string } | undefined;
		expect(e?.code).toBe(2);
		expect(e?.stderr).toMatch(/--api-scheme must be http or https/);
	}, 120_000);
});
