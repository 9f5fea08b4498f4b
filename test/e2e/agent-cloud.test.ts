import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud } from "../../cloud/index";
import type { Cloud } from "../../cloud/index";
import { startDevice } from "../../hardware/host/device";
import type { Device } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import type { ReportFormat } from "../../modules/report/report";
import { expectConserved, realUntil, running } from "../helpers/agent-e2e";

let dir: string;
let cloud: Cloud;
const clock = new VirtualClock();
const cloudLog: string[] = [];
/** Report id → bytes_out of every report the cloud accepted, per thing. */
const acceptedByCloud = new Map<string, Map<number, number>>();

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "agent-cloud-"));
	cloud = await startCloud({ pkiDir: dir, port: 0, clock, log: (s) => cloudLog.push(s), allowTopics: ["/rogue/agent"] });
	cloud.onReply((r) => {
		if (r.body.status !== "ACCEPTED") return;
		const m = acceptedByCloud.get(r.body.thingName) ?? new Map<number, number>();
		m.set(r.body.reportId as number, cloud.metrics(r.body.thingName).lastReport?.["aws:all-bytes-out"]?.count as number);
		acceptedByCloud.set(r.body.thingName, m);
	});
});

afterAll(async () => {
	await cloud?.stop();
});

async function device(thing: string, options: { format?: ReportFormat; rogue?: boolean } = {}): Promise<Device> {
	const f = cloud.issueThingCertificate(thing);
	return startDevice({
		thingName: thing, host: "127.0.0.1", port: cloud.port, ca: readFileSync(f.caPem), cert: readFileSync(f.certPem), key: readFileSync(f.keyPem),
		clock, storePath: join(dir, `${thing}.json`), ...options,
	});
}

describe("agent against the self-hosted cloud", () => {
	for (const format of ["json", "json-short", "cbor"] as ReportFormat[]) {
		it(`${format}: the cloud accepts every report, the agent matches every reply, bytes are conserved`, async () => {
			const thing = `Agent-${format}`;
			const d = await device(thing, { format });
			const acceptedIds: number[] = [];
			d.agent.onOutcome = (state, id) => state === "ACCEPTED" && acceptedIds.push(id);
			try {
				await clock.runUntil(() => d.status.sent >= 3 && !d.status.awaitingReply, 1_000_000, running(d));
				expect(d.status, `cloud said: ${cloudLog.slice(-3).join(" | ")}`).toMatchObject({ sent: 3, accepted: 3, rejected: 0, timedOut: 0, badReplies: 0 });
				const cloudSide = acceptedByCloud.get(thing) as Map<number, number>;
				expect([...cloudSide.keys()]).toEqual(acceptedIds);
				const sum = [...cloudSide.values()].reduce((a, b) => a + b, 0);
				expectConserved(d, sum, clock.ticks());
				expect(cloud.metrics(thing).reportsAccepted).toBe(3);
			} finally {
				await d.stop();
			}
		});
	}

	it("a report sooner than 300 s is Throttled by the cloud; the agent backs off a whole interval and loses nothing", async () => {
		const thing = "Agent-throttled";
		const d = await device(thing);
		try {
			let rejectedAt = 0;
			d.agent.onOutcome = (state) => state === "REJECTED" && (rejectedAt = clock.ticks());
			await clock.runUntil(() => d.status.accepted >= 1, 400_000, running(d));
			d.agent.reportNow();
			await clock.runUntil(() => d.status.rejected >= 1, 60_000, running(d));
			expect(d.status).toMatchObject({ throttled: 1, lastErrorCode: "Throttled", lastReply: "REJECTED", sent: 2 });
			await clock.runFor(rejectedAt + 299_000 - clock.ticks(), running(d));
			expect(d.status.sent).toBe(2);
			await clock.runUntil(() => d.status.accepted >= 2, 10_000, running(d));
			expect(d.status.sent).toBe(3);
			const sum = [...(acceptedByCloud.get(thing) as Map<number, number>).values()].reduce((a, b) => a + b, 0);
			expectConserved(d, sum, clock.ticks());
		} finally {
			await d.stop();
		}
	});

	it("rogue traffic reaches the cloud: its message count is the rogue count plus the reports", async () => {
		const thing = "Agent-rogue";
		const d = await device(thing, { rogue: true });
		try {
			await clock.runUntil(() => d.status.accepted >= 1, 400_000, running(d));
			d.setRogue(false);
			const expected = d.status.rogue.sent + d.status.sent;
			expect(d.status.rogue.sent).toBeGreaterThan(250);
			await realUntil(() => cloud.metrics(thing)["aws:num-messages-sent"] >= expected, 5000, "the cloud to receive every message");
			expect(cloud.metrics(thing)["aws:num-messages-sent"]).toBe(expected);
		} finally {
			await d.stop();
		}
	});
});
