/* `npm run cloud -- start --api-port` serves the API; `api-key` prints the pair it accepts; the database is owner-only. */
import { ListThingGroupsCommand, IoTClient } from "@aws-sdk/client-iot";
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { apiKeyOf, startCliCloud, TSX, type CliCloud } from "../helpers/cli-cloud";

const run = promisify(execFile);
let cloud: CliCloud | undefined;
afterEach(async () => {
	await cloud?.stop();
	cloud = undefined;
});

describe("cloud CLI with the API", () => {
	it("starts the API with --api-port and accepts the key api-key prints", async () => {
		const c = (cloud = await startCliCloud("api-cli-", ["--no-stdout"]));
		const { url, data } = c;
		const key = await apiKeyOf(data);
		expect(statSync(join(data, "cloud.sqlite")).mode & 0o077).toBe(0);
		const iot = new IoTClient({ endpoint: url, region: "us-east-1", credentials: key, maxAttempts: 1 });
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
