import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevice } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import type { ReportFormat } from "../../modules/report/report";
import { makeTestPki } from "../helpers/certs";
import type { TestPki } from "../helpers/certs";
import { startMosquitto } from "../helpers/mosquitto";
import type { Mosquitto } from "../helpers/mosquitto";
import { startResponder } from "../helpers/agent-responder";
import type { Responder } from "../helpers/agent-responder";
import { expectConserved, running } from "../helpers/agent-e2e";

let dir: string;
let pki: TestPki;
let broker: Mosquitto;
let responder: Responder;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "agent-e2e-"));
	pki = makeTestPki(dir, { things: ["MyDevice", "responder"] });
	broker = await startMosquitto(pki);
	responder = await startResponder(broker.port, pki.ca.cert, pki.clients.responder);
});

afterAll(async () => {
	await responder?.close();
	await broker?.stop();
});

describe("agent on a real broker (mosquitto + test responder)", () => {
	for (const format of ["json", "json-short", "cbor"] as ReportFormat[]) {
		it(`${format}: reports go out every interval, replies are matched, bytes are conserved`, async () => {
			const clock = new VirtualClock();
			const device = await startDevice({
				thingName: "MyDevice", host: "127.0.0.1", port: broker.port, ca: pki.ca.cert, cert: pki.clients.MyDevice.cert, key: pki.clients.MyDevice.key,
				format, clock, storePath: join(dir, `store-${format}.json`),
			});
			const accepted: number[] = [];
			device.agent.onOutcome = (state, id) => state === "ACCEPTED" && accepted.push(id);
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
