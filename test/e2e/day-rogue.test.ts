/*
 * The rogue day, shortened to two hours of device time (bench/e2e-day.bench.ts runs 24 h): the cloud
 * and MyDevice over mutual-TLS MQTT on loopback, rogue mode on throughout, reports every 300 s.
 * Nothing is lost or counted twice between the device and the cloud, and both seed behaviors alarm.
 */
import { describe, expect, it } from "vitest";
import { runDay } from "../helpers/e2e-day";

const HOURS = 2;

describe("a rogue device, two hours end to end in virtual time", () => {
	it("has every report accepted, every rogue message counted alike on both sides, and both violations raised", async () => {
		const day = await runDay({ hours: HOURS, format: "cbor" });
		const { device: d, cloud: c } = day;

		expect(d.sent).toBeGreaterThanOrEqual(HOURS * 12 - 1);
		expect(d.sent).toBeLessThanOrEqual(HOURS * 12 + 1);
		expect({ accepted: d.accepted, rejected: d.rejected, timedOut: d.timedOut, badReplies: d.badReplies }).toEqual({ accepted: d.sent, rejected: 0, timedOut: 0, badReplies: 0 });
		expect({ accepted: c.reportsAccepted, rejected: c.reportsRejected }).toEqual({ accepted: d.sent, rejected: 0 });

		expect(d.rogue.sent).toBe(HOURS * 3600);
		expect(d.rogue.skipped).toBe(0);
		expect(c["aws:num-messages-sent"] - c.reportsAccepted).toBe(d.rogue.sent);
		expect(d.rogue.received).toBe(d.rogue.sent);
		expect(c["aws:num-messages-received"] - d.accepted).toBe(d.rogue.received);
		expect({ connects: d.mqtt.connects, disconnects: d.mqtt.disconnects, authzFailures: c["aws:num-authorization-failures"] }).toEqual({ connects: 1, disconnects: 0, authzFailures: 0 });

		expect(day.active).toEqual(["bytesOut", "msgReceive"]);
		const inAlarm = day.alerts.filter((a) => a.violationEventType === "in-alarm");
		expect(inAlarm.map((a) => a.behavior.name).sort()).toEqual(["bytesOut", "msgReceive"]);
		const value = (name: string) => inAlarm.find((a) => a.behavior.name === name)?.metricValue?.count ?? 0;
		expect(value("msgReceive")).toBeGreaterThanOrEqual(300);
		expect(value("bytesOut")).toBeGreaterThan(300 * 114);
	});
});
