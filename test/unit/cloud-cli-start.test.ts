/* `npm run cloud -- start` that cannot start exits by itself with one line on stderr and a non-zero code. */
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cloud-setup";

const dir = tempDir("cloud-cli-start-");
const base = ["--data", join(dir, "data"), "--pki", join(dir, "pki")];
let busy: Server;

beforeAll(async () => {
	busy = createServer();
	await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
});
afterAll(() => busy.close());

/** Runs `start`; a run still going after 60 s is killed (signal set), which the tests treat as a hang. */
function start(...args: string[]): { code: number | null; signal: NodeJS.Signals | null; lines: string[] } {
	const r = spawnSync(process.execPath, ["--import", "tsx", "cloud/cli.ts", "start", ...args, ...base], { encoding: "utf8", timeout: 60_000 });
	return { code: r.status, signal: r.signal, lines: r.stderr.split("\n").filter((l) => l !== "") };
}

describe("cloud cli start failures", () => {
	it("exits 1 with one line when the port is in use", () => {
		const port = (busy.address() as AddressInfo).port;
		expect(start("--port", String(port))).toEqual({ code: 1, signal: null, lines: [`error: listen EADDRINUSE: address already in use 127.0.0.1:${port}`] });
	}, 90_000);

	it("exits 2 with one line for a port out of range, an unknown option or a bad webhook URL", () => {
		expect(start("--port", "70000")).toEqual({ code: 2, signal: null, lines: ["error: --port must be 0..65535, got 70000"] });
		expect(start("--prot", "1")).toEqual({ code: 2, signal: null, lines: ["error: start: unknown option --prot (try: help)"] });
		expect(start("--webhook", "ftp://x")).toEqual({ code: 2, signal: null, lines: ['error: --webhook must be an http:// or https:// URL, got "ftp://x"'] });
	}, 200_000);
});
