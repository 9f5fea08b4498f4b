import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevice } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import type { ReportFormat } from "../../modules/report/report";
import { startResponderRig } from "../helpers/agent-responder";
import type { ResponderRig } from "../helpers/agent-responder";
import { expectConserved, running } from "../helpers/agent-e2e";

let rig: ResponderRig;

beforeAll(async () => {
	rig = await startResponderRig("agent-e2e-");
});

afterAll(async () => {
	await rig?.close();
});

describe("agent on a real broker (mosquitto + test responder)", () => {
	for (const format of ["json", "json-short", "cbor"] as ReportFormat[]) {
		it(`${format}: reports go out every interval, replies are matched, bytes are conserved`, async () => {
			const clock = new VirtualClock();
			const device = await startDevice({
				...rig.connection(), format, clock, storePath: join(rig.dir, `store-${format}.json`),
			});
			const accepted: number[] = [];
			device.agent.onOutcome = (state, id) => state === "ACCEPTED" && accepted.push(id);
			const responder = rig.responder;
			const before = responder.reports.length;
			try {
				await clock.runUntil(() => device.status.accepted >= 3, 3 * 300_000 + 60_000, running(device));
				const mine = responder.reports.slice(before).filter((r) => r.thing === "MyDevice");
				expect(mine.map((r) => r.id)).toEqual(accepted);
				expect(mine.every((r) => r.format === (format === "cbor" ? "cbor" : "json"))).toBe(true);
				const keys = Object.keys(mine[0].doc);
				expect(keys).toContain(format === "json" ? "header" : "hed");
				expect(device.status).toMatchObject({ sent: 3, accepted: 3, rejected: 0, timedOut: 0, lastReply: "ACCEPTED", connected: true, mqttState: "connected" });
				const conn = mine[2].doc.metrics?.tcp_connections ?? mine[2].doc.met.tc;
				const established = conn.established_connections ?? conn.ec;
				expect(established.total ?? established.t).toBe(1);
				const sum = mine.reduce((a, r) => a + r.bytesOut, 0);
				expect(sum).toBeGreaterThan(0);
				expectConserved(device, sum, clock.ticks());
			} finally {
				await device.stop();
			}
		});
	}
});
