/* Web console live stream: reports, violations, alarms and connections arrive over server-sent events from a real cloud; heartbeats; logout ends the stream; a client that stops reading is bounded (events dropped and counted, then announced). */
import { createServer, type ServerResponse } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { EventStream, MAX_BUFFERED, MAX_STREAMS_PER_SESSION } from "../../cloud/console/stream";
import { report } from "../helpers/api-setup";
import { startConsoleCloud, type ConsoleFixture } from "../helpers/console-setup";

let fixtures: ConsoleFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

const SEED = JSON.parse(readFileSync("profiles/CheckRogueDevices.json", "utf8")) as Record<string, unknown>;

describe("console live events", () => {
	it("streams connections, reports with their reply, violation events and alarms as they happen, with heartbeats", async () => {
		const f = await startConsoleCloud();
		fixtures.push(f);
		const c = f.client();
		await c.login();
		await c.post("/profiles", SEED);
		await c.post("/profiles/CheckRogueDevices/attach", { targetArn: "arn:aws:iot:local:000000000000:all/things" });
		const events = await c.events();
		expect([events.status, events.contentType]).toEqual([200, "text/event-stream; charset=utf-8"]);
		await events.next("hello");

		const device = await f.connect("rogue-1");
		expect(await events.next("connection", (d) => d.thingName === "rogue-1")).toMatchObject({ connected: true, sourceIp: "127.0.0.1", time: f.clock.now() });
		await report(device, "rogue-1", 7, { ns: { bi: 10, bo: 80_000, pi: 1, po: 40 } });
		expect(await events.next("report", (d) => d.thingName === "rogue-1")).toEqual({ thingName: "rogue-1", time: f.clock.now(), format: "json", reportId: 7, status: "ACCEPTED", errorCode: null, errorMessage: null });
		const violation = await events.next("violation", (d) => d.thingName === "rogue-1");
		expect(violation).toMatchObject({ violationEventType: "in-alarm", securityProfileName: "CheckRogueDevices", behavior: { name: "bytesOut" }, metricValue: { count: 80_000 } });
		expect(await events.next("alarm", (d) => d.violationId === violation.violationId)).toMatchObject({ thingName: "rogue-1", violationEventType: "in-alarm" });

		// the operator's clear is live too
		await c.post(`/violations/${String(violation.violationId)}/clear`);
		expect(await events.next("violation", (d) => d.violationEventType === "alarm-cleared")).toMatchObject({ violationId: violation.violationId, clearedBy: "operator" });

		device.end(true);
		expect(await events.next("connection", (d) => d.connected === false)).toMatchObject({ thingName: "rogue-1" });
		expect(await events.next("heartbeat")).toHaveProperty("time");
		events.close();
	});

	it("caps the streams of one session", async () => {
		const f = await startConsoleCloud();
		fixtures.push(f);
		const c = f.client();
		await c.login();
		const open = [];
		for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) open.push(await c.events());
		expect(open.map((e) => e.status)).toEqual(open.map(() => 200));
		const refused = await c.events();
		expect(refused.status).toBe(503);
		for (const e of open) e.close();
	});

	it("ends a session's streams at logout and at expiry", async () => {
		const f = await startConsoleCloud({}, { sessionTtlMs: 60_000 });
		fixtures.push(f);
		const [a, b] = [f.client(), f.client()];
		await a.login();
		await b.login();
		const [ea, eb] = [await a.events(), await b.events()];
		await ea.next("hello");
		await eb.next("hello");
		await a.post("/logout");
		await until(() => ea.ended, "stream of the logged-out session to end");
		expect(eb.ended).toBe(false);
		f.wall.now += 60_000;
		await until(() => eb.ended, "stream of the expired session to end (next heartbeat)");
	});

	it("bounds a client that stops reading: events beyond the buffer are dropped and counted, then announced", async () => {
		const stream = new EventStream(() => 0, 3_600_000);
		let serverRes: ServerResponse | undefined;
		const server = createServer((req, res) => {
			serverRes = res;
			stream.open(req, res, "s", () => true);
		});
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
		socket.write("GET /console/api/events HTTP/1.1\r\nHost: x\r\n\r\n");
		socket.pause();
		await until(() => stream.size === 1, "stream to open");
		const payload = { filler: "x".repeat(1024) };
		let maxBuffered = 0;
		for (let i = 0; i < 20_000; i++) {
			stream.broadcast("report", { i, ...payload });
			maxBuffered = Math.max(maxBuffered, serverRes?.writableLength ?? 0);
		}
		expect(stream.droppedTotal).toBeGreaterThan(0);
		expect(maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + 2048);

		// reading again drains the buffer; the client is told how many it missed
		let text = "";
		socket.on("data", (d: Buffer) => (text += d.toString()));
		socket.resume();
		await until(() => /event: dropped\ndata: \{"dropped":\d+\}/.test(text), "the dropped notice");
		const dropped = Number(/"dropped":(\d+)/.exec(text)?.[1]);
		expect(dropped).toBe(stream.droppedTotal);
		const delivered = (text.match(/event: report/g) ?? []).length;
		expect(delivered + dropped).toBe(20_000);
		socket.destroy();
		stream.close();
		await new Promise<void>((r) => server.close(() => r()));
	});
});

async function until(p: () => boolean, what: string, limitMs = 10_000): Promise<void> {
	const start = Date.now();
	while (!p()) {
		if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}
