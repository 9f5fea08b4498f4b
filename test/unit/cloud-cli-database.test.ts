/* `start --database` / `--node` and `mosquitto-conf --detect-node`: bad values are usage errors (exit 2) before anything starts. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "cli-database-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; err: string } {
	const r = spawnSync(process.execPath, ["--import", "tsx", "cloud/cli.ts", ...args], { encoding: "utf8", timeout: 90_000 });
	return { code: r.status, err: r.stderr };
}

describe("cloud cli: --database", () => {
	it("refuses a URL that is not PostgreSQL's, and --node without --database/--broker, with exit code 2", () => {
		const base = ["--data", join(dir, "data"), "--pki", join(dir, "pki"), "--port", "0"];
		expect(cli("start", ...base, "--database", "mysql://u:secret@h/db")).toEqual({ code: 2, err: "error: --database: expected a postgres:// or postgresql:// URL, got mysql://…\n" });
		expect(cli("start", ...base, "--database", "postgres://u:p@127.0.0.1:1/db", "--broker", "mqtts://127.0.0.1:1", "--node", "a", "--ml-training-days", "3")).toEqual({
			code: 2,
			err: 'error: --ml-training-days / --ml-min-datapoints: ML Detect is not available in a cluster (--node) yet (docs/cloud.md "PostgreSQL")\n',
		});
		expect(cli("start", ...base, "--node", "a")).toEqual({ code: 2, err: "error: --node (several cloud processes) needs --database postgres://… and --broker mqtts://…\n" });
	}, 200_000);
});
