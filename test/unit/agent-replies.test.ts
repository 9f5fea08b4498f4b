import { describe, expect, it } from "vitest";
import type { ReportFormat } from "../../modules/report/report";
import { rig } from "../helpers/agent-setup";

const INTERVAL = 300_000;

describe("agent replies", () => {
	for (const format of ["json", "json-short", "cbor"] as ReportFormat[]) {
		it(`${format}: ACCEPTED matched by reportId acknowledges exactly what the report carried`, () => {
			const r = rig({ format });
			r.agent.start();
			r.driver.traffic(100, 200, 3, 4);
			r.clock.advance(INTERVAL);
			const sent = r.last();
			expect(sent).toMatchObject({ bytesIn: 100, bytesOut: 200, packetsIn: 3, packetsOut: 4 });
			r.driver.traffic(5, 6);
			r.clock.advance(1000);
			r.reply("ACCEPTED", sent.id);
			expect(r.agent.status).toMatchObject({ accepted: 1, lastReply: "ACCEPTED", lastReplyId: sent.id, awaitingReply: false, lastErrorCode: "" });
			r.clock.advance(INTERVAL - 1000);
			expect(r.last()).toMatchObject({ bytesIn: 5, bytesOut: 6, packetsIn: 1, packetsOut: 1 });
		});
	}

	it("subscribes to the reply topics after each connection, from a timer, only while connected", () => {
		const r = rig({ format: "cbor" });
		r.mqtt.connected = false;
		r.agent.onConnected();
		r.clock.advance(0);
		expect(r.mqtt.subscribed).toEqual([]);
		r.agent.start();
		r.agent.onConnected();
		expect(r.mqtt.subscribed).toEqual([]);
		r.clock.advance(0);
		expect(r.mqtt.subscribed).toEqual([]);
		r.mqtt.connected = true;
		r.agent.onConnected();
		r.clock.advance(0);
		expect(r.mqtt.subscribed).toEqual(["$aws/things/T1/defender/metrics/cbor/accepted", "$aws/things/T1/defender/metrics/cbor/rejected"]);
		r.agent.stop();
		const s = rig();
		s.agent.start();
		s.clock.advance(0);
		expect(s.mqtt.subscribed).toHaveLength(2);
	});

	it("Throttled: no resend sooner, the next report is a full interval after the rejection", () => {
		const r = rig();
		r.agent.start();
		r.driver.traffic(10, 10);
		r.clock.advance(INTERVAL);
		const first = r.last();
		r.clock.advance(20_000);
		r.reply("REJECTED", first.id, "Throttled");
		expect(r.agent.status).toMatchObject({ rejected: 1, throttled: 1, lastReply: "REJECTED", lastErrorCode: "Throttled", lastErrorMessage: "Throttled message" });
		r.clock.advance(INTERVAL - 1);
		expect(r.reports()).toHaveLength(1);
		r.clock.advance(1);
		expect(r.reports()).toHaveLength(2);
		expect(r.last().id).toBeGreaterThan(first.id);
		expect(r.last().bytesOut).toBe(10);
	});

	it("InvalidPayload: logged, the payload is never resent, the deltas go into the next report with a new id", () => {
		const r = rig();
		r.agent.start();
		r.driver.traffic(7, 8);
		r.clock.advance(INTERVAL);
		const bad = r.mqtt.published[0].payload;
		r.reply("REJECTED", r.last().id, "InvalidPayload");
		expect(r.logs.join("\n")).toMatch(/rejected InvalidPayload: InvalidPayload message; not resent/);
		r.driver.traffic(1, 1);
		r.clock.advance(INTERVAL * 2);
		const [one, two, three] = r.reports();
		expect(r.mqtt.published.slice(1).some((p) => Buffer.compare(Buffer.from(p.payload), Buffer.from(bad)) === 0)).toBe(false);
		expect(two.bytesOut).toBe(9);
		expect(three.bytesOut).toBe(9);
		expect(new Set([one.id, two.id, three.id]).size).toBe(3);
	});

	it("a REJECTED reply without reportId is taken as the answer to the report in flight", () => {
		const r = rig();
		r.agent.start();
		r.clock.advance(INTERVAL);
		r.reply("REJECTED", undefined, "InvalidPayload");
		expect(r.agent.status).toMatchObject({ rejected: 1, awaitingReply: false });
		r.reply("ACCEPTED", undefined);
		expect(r.agent.status.badReplies).toBe(1);
	});

	it("timeout: counted, the deltas are carried, a late ACCEPTED before the next report still acknowledges", () => {
		const r = rig();
		r.agent.start();
		r.driver.traffic(50, 60);
		r.clock.advance(INTERVAL);
		const first = r.last();
		expect(r.agent.status.awaitingReply).toBe(true);
		r.clock.advance(30_000);
		expect(r.agent.status).toMatchObject({ timedOut: 1, lastReply: "TIMEOUT", lastReplyId: first.id, awaitingReply: false });
		r.clock.advance(INTERVAL - 30_000);
		const second = r.last();
		expect(second.bytesOut).toBe(60);
		r.clock.advance(30_000);
		r.clock.advance(10_000);
		r.reply("ACCEPTED", second.id);
		expect(r.agent.status).toMatchObject({ accepted: 1, timedOut: 1, sent: 2 });
		r.driver.traffic(1, 1);
		r.clock.advance(INTERVAL - 40_000);
		expect(r.last().bytesOut).toBe(1);
		r.reply("ACCEPTED", first.id);
		expect(r.agent.status.badReplies).toBe(1);
	});

	it("a report still in flight at the next report time counts as timed out", () => {
		const r = rig({ intervalSeconds: 300, replyTimeoutSeconds: 290 });
		r.agent.start();
		r.clock.advance(INTERVAL);
		r.reply("REJECTED", r.last().id, "Throttled");
		r.clock.advance(INTERVAL);
		r.agent.reportNow();
		expect(r.agent.status).toMatchObject({ sent: 3, timedOut: 1 });
	});

	it("offline at report time: skipped, counted, deltas carried, no id consumed", () => {
		const r = rig();
		r.agent.start();
		r.driver.traffic(3, 4);
		r.mqtt.connected = false;
		r.clock.advance(INTERVAL);
		expect(r.agent.status).toMatchObject({ skippedOffline: 1, sent: 0, lastReportId: 0, connected: false });
		r.mqtt.connected = true;
		r.clock.advance(INTERVAL);
		expect(r.last().bytesOut).toBe(4);
		expect(r.agent.status.connected).toBe(true);
	});

	it("a publish the client refuses is counted and the deltas carried", () => {
		const r = rig();
		r.agent.start();
		r.driver.traffic(3, 4);
		r.mqtt.accept = false;
		r.clock.advance(INTERVAL);
		expect(r.agent.status).toMatchObject({ publishFailures: 1, sent: 0, awaitingReply: false });
		r.mqtt.accept = true;
		r.clock.advance(INTERVAL);
		expect(r.last().bytesOut).toBe(4);
	});

	it("unreadable, unmatched and overflowing replies are counted; other topics ignored", () => {
		const r = rig();
		r.agent.start();
		r.clock.advance(INTERVAL);
		r.agent.onMessage(r.agent.acceptedTopic, new TextEncoder().encode("not json"));
		r.clock.advance(0);
		expect(r.agent.status.badReplies).toBe(1);
		expect(r.logs.join()).toMatch(/unreadable reply/);
		r.reply("ACCEPTED", 12345);
		expect(r.agent.status.badReplies).toBe(2);
		r.agent.onMessage("some/other/topic", new Uint8Array(1));
		for (let i = 0; i < 6; i++) r.agent.onMessage(r.agent.rejectedTopic, new Uint8Array(1));
		r.clock.advance(0);
		expect(r.agent.status.badReplies).toBe(2 + 2 + 4);
		expect(r.agent.status.awaitingReply).toBe(true);
	});

	it("a Throttled reply handled after stop does not restart the schedule", () => {
		const r = rig();
		r.agent.start();
		r.clock.advance(INTERVAL);
		r.agent.onMessage(r.agent.rejectedTopic, new TextEncoder().encode(JSON.stringify({ status: "REJECTED", reportId: r.last().id, statusDetails: { ErrorCode: "Throttled" } })));
		r.agent.stop();
		r.agent.start();
		r.agent.stop();
		expect(r.clock.pending).toBe(0);
	});

	it("onOutcome tells the application each report's outcome", () => {
		const r = rig();
		const seen: string[] = [];
		r.agent.onOutcome = (state, id) => seen.push(`${state}:${id === r.last().id}`);
		r.agent.start();
		r.clock.advance(INTERVAL);
		r.reply("ACCEPTED", r.last().id);
		r.clock.advance(INTERVAL);
		r.reply("REJECTED", r.last().id, "InvalidPayload");
		r.clock.advance(INTERVAL + 30_000);
		expect(seen).toEqual(["ACCEPTED:true", "REJECTED:true", "TIMEOUT:true"]);
	});

	it("replies that arrive while stopped wait for start", () => {
		const r = rig();
		r.agent.onMessage(r.agent.acceptedTopic, new Uint8Array(1));
		r.clock.advance(0);
		expect(r.agent.status.badReplies).toBe(0);
		r.agent.start();
		r.clock.advance(0);
		expect(r.agent.status.badReplies).toBe(1);
	});
});
