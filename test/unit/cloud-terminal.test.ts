/* Terminal output of `cloud start`: readable alert lines in local time, connection lines, the periodic status line. */
import { describe, expect, it, vi } from "vitest";
import { AlertDispatcher, toAlert } from "../../cloud/alerts";
import type { ViolationEvent } from "../../cloud/detect/engine";
import { CloudStore } from "../../cloud/store";
import { alertText, localTime, TerminalStatus, valueText } from "../../cloud/terminal";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { nextMessage, startTestCloud, until } from "../helpers/cloud-setup";
import { report } from "../helpers/api-setup";

const T = Date.UTC(2026, 11, 4, 5, 6, 7);
const event: ViolationEvent = {
	violationId: "0f1e2d3c",
	thingName: "MyRogueThing",
	securityProfileName: "WalkthroughProfile",
	behavior: { name: "bytesOut", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 5000 } } },
	metricValue: { count: 26_000 },
	violationEventType: "in-alarm",
	violationEventTime: T,
};

describe("terminal lines", () => {
	it("shows a time as the local wall clock with its offset", () => {
		const d = new Date(T);
		const line = localTime(T);
		expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d$/);
		expect(line.slice(11, 19)).toBe(`${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:07`);
		const offset = -d.getTimezoneOffset();
		expect(line.slice(20)).toBe(`${offset < 0 ? "-" : "+"}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0")}:${String(Math.abs(offset) % 60).padStart(2, "0")}`);
	});

	it("writes an alert as one readable line, values against the criteria", () => {
		expect(alertText(event)).toBe(`${localTime(T)}  ALARM        MyRogueThing  WalkthroughProfile/bytesOut  aws:all-bytes-out = 26000 (normal: less-than 5000)  violation 0f1e2d3c`);
		const cleared = alertText({ ...event, violationEventType: "alarm-cleared", behavior: { name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [22, 443] } } }, metricValue: { ports: [22, 8080] } });
		expect(cleared).toContain("CLEARED      MyRogueThing  WalkthroughProfile/ports  aws:listening-tcp-ports = [22, 8080] (normal: in-port-set [22, 443])");
		const stat = alertText({ ...event, behavior: { name: "p90", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than-equals", statisticalThreshold: { statistic: "p90" } } } });
		expect(stat).toContain("(normal: less-than-equals the fleet's p90)");
		expect(valueText(undefined)).toBe("-");
		expect(valueText({ cidrs: ["10.0.0.0/8"] })).toBe("[10.0.0.0/8]");
	});

	it("prints text or the raw JSON shape on stdout as asked", () => {
		const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
		try {
			new AlertDispatcher({ stdout: true, stdoutFormat: "text" }, new VirtualClock(), () => {}, new CloudStore(":memory:").outbox).dispatch(event);
			new AlertDispatcher({ stdout: true, stdoutFormat: "json" }, new VirtualClock(), () => {}, new CloudStore(":memory:").outbox).dispatch(event);
			expect(write.mock.calls.map((c) => String(c[0]))).toEqual([alertText(event) + "\n", JSON.stringify(toAlert(event)) + "\n"]);
		} finally {
			write.mockRestore();
		}
	});
});

describe("terminal status of a running cloud", () => {
	it("prints connect and disconnect lines and a status line per minute with that minute's counts", async () => {
		const f = await startTestCloud();
		const lines: string[] = [];
		const terminal = new TerminalStatus(f.cloud, { clock: f.clock, log: (s) => lines.push(s) });
		try {
			const device = await f.connect("Gateway-1");
			await until(() => lines.some((l) => l.includes("Gateway-1 connected")), "the connect line");
			expect(lines.at(-1)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d {2}Gateway-1 connected from 127\.0\.0\.1 \(1 connected\)$/);
			await report(device, "Gateway-1", 1, { tp: { pts: [] } });
			const rejected = "$aws/things/Gateway-1/defender/metrics/json/rejected";
			await device.subscribeAsync(rejected, { qos: 1 });
			const refused = nextMessage(device, rejected);
			device.publish("$aws/things/Gateway-1/defender/metrics/json", "{not json");
			await refused;
			f.clock.advance(60_000);
			expect(lines.at(-1)).toMatch(/^status .*: 1 connected, reports in the last minute: 1 accepted, 1 rejected; 0 active violations$/);
			f.clock.advance(60_000);
			expect(lines.at(-1)).toMatch(/: 1 connected, reports in the last minute: 0 accepted, 0 rejected; 0 active violations$/);
			device.end(true);
			await until(() => lines.some((l) => l.includes("Gateway-1 disconnected")), "the disconnect line");
			expect(lines.at(-1)).toMatch(/Gateway-1 disconnected \(0 connected\)$/);
		} finally {
			terminal.stop();
			await f.cleanup();
		}
	}, 60_000);
});
