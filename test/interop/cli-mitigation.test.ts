/*
 * `npm run cloud -- mitigation|policy|metrics` against a cloud started by the CLI with --api-port: the
 * quarantine group gets the policy, the action and a task are made and described, and `metrics` reads the
 * data dir when no cloud runs on it.
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CloudStore } from "../../cloud/store";
import { autoMitigationOption } from "../../cloud/cli-mitigation";
import { startCliCloud, TSX, type CliCloud } from "../helpers/cli-cloud";
import { tempDir } from "../helpers/cloud-setup";

const run = promisify(execFile);
const dir = tempDir("cli-mitigation-");
let cloud: CliCloud | undefined;

afterAll(async () => {
	await cloud?.stop();
	rmSync(dir, { recursive: true, force: true });
});

const cli = async (...args: string[]): Promise<unknown> => {
	const { stdout } = await run(TSX, ["cloud/cli.ts", ...args], { timeout: 60_000 });
	const text = stdout.trim();
	return text.startsWith("{") ? JSON.parse(text) : text;
};

describe("cloud CLI: mitigation, policy, metrics", { timeout: 180_000 }, () => {
	it("sets up the quarantine and runs a task through the running cloud's API", async () => {
		cloud = await startCliCloud("cli-mitigation-", ["--no-stdout", "--auto-mitigate", "CheckRogueDevices/msgReceive=Quarantine"]);
		const { url, data } = cloud;
		expect(cloud.stderr()).toMatch(/mitigation: auto rule 0: in-alarm of CheckRogueDevices\/msgReceive → Quarantine/);
		const at = ["--endpoint", url, "--data", data];
		await cli("group", "create", "quarantine", ...at);
		expect(await cli("policy", "create", "QuarantinePolicy", "--file", resolve("profiles/QuarantinePolicy.json"), ...at)).toMatchObject({ policyName: "QuarantinePolicy" });
		expect(await cli("policy", "attach", "QuarantinePolicy", "--group", "quarantine", ...at)).toBe("ok");
		expect(await cli("mitigation", "action", "Quarantine", "--group", "quarantine", ...at)).toMatchObject({ actionArn: expect.stringMatching(/mitigationaction\/Quarantine$/) });
		await cli("profile", "create", "--file", resolve("profiles/CheckRogueDevices.json"), ...at);
		expect(await cli("mitigation", "start", "t1", "--action", "Quarantine", "--profile", "CheckRogueDevices", ...at)).toMatchObject({ taskId: "t1" });
		const task = (await cli("mitigation", "task", "t1", ...at)) as { taskSummary: { taskId: string; taskStatus: string; target: object }; actionsExecutions: unknown[] };
		expect(task.taskSummary).toMatchObject({ taskId: "t1", target: { securityProfileName: "CheckRogueDevices" } });
		expect(["IN_PROGRESS", "SUCCESSFUL"]).toContain(task.taskSummary.taskStatus);
		expect(task.actionsExecutions).toEqual([]);
		const refused = await run(TSX, ["cloud/cli.ts", "mitigation", "start", "t2", "--action", "Nope", "--profile", "CheckRogueDevices", ...at]).then(() => undefined, (e: { code: number; stderr: string }) => e);
		expect(refused?.code).toBe(2);
		expect(refused?.stderr).toMatch(/ResourceNotFoundException: mitigation action Nope does not exist/);
	});

	it("parses --auto-mitigate and refuses a malformed one", () => {
		expect(autoMitigationOption(["P=A", "P/b=A,B"])).toEqual([{ securityProfileName: "P", actions: ["A"] }, { securityProfileName: "P", behaviorName: "b", actions: ["A", "B"] }]);
		expect(() => autoMitigationOption(["P/b"])).toThrow(/--auto-mitigate must be PROFILE\[\/BEHAVIOR\]=ACTION/);
	});

	it("prints a thing's stored metric values from the data dir", async () => {
		const other = join(dir, "offline");
		const store = new CloudStore(other);
		const now = Date.now();
		store.writeBatch({ states: [], seen: [], gates: [], events: [], metrics: [{ thing: "dev-1", metric: "aws:num-messages-sent", time: now - 300_000, value: { count: 42 } }] });
		store.close();
		const out = (await cli("metrics", "dev-1", "aws:num-messages-sent", "--data", other)) as { metricDatumList: { timestamp: string; value: object }[] };
		expect(out.metricDatumList).toEqual([{ timestamp: new Date(now - 300_000).toISOString(), value: { count: 42 } }]);
	});
});
