/* Alerts: SNS message shape to stdout / JSON lines / webhook; a failing webhook is retried with back-off on the clock. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { AlertDispatcher, toAlert } from "../../cloud/alerts";
import type { ViolationEvent } from "../../cloud/detect/engine";
import { tempDir, until } from "../helpers/cloud-setup";

const event = (n: number, suppressAlerts?: boolean): ViolationEvent => ({
	violationId: `v${n}`,
	thingName: "dev",
	securityProfileName: "p",
	behavior: { name: "b", metric: "aws:message-byte-size", criteria: { comparisonOperator: "greater-than", value: { count: 5000 } }, suppressAlerts },
	metricValue: { count: 26 },
	violationEventType: "in-alarm",
	violationEventTime: 1582745400000,
});

let server: Server | undefined;
afterEach(() => server?.close());

async function webhook(statuses: number[]): Promise<{ url: string; bodies: unknown[] }> {
	const bodies: unknown[] = [];
	server = createServer((req, res) => {
		let body = "";
		req.on("data", (c) => (body += c));
		req.on("end", () => {
			bodies.push(JSON.parse(body));
			res.statusCode = statuses.shift() ?? 200;
			res.end();
		});
	});
	await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies };
}

describe("cloud alerts", () => {
	it("has exactly the SNS message fields", () => {
		expect(Object.keys(toAlert(event(1))).sort()).toEqual(["behavior", "metricValue", "securityProfileName", "thingName", "violationEventTime", "violationEventType", "violationId"]);
	});

	it("writes one JSON line per alert to stdout and the jsonl file, nothing for suppressed behaviors", () => {
		const file = join(tempDir(), "alerts.jsonl");
		const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
		const d = new AlertDispatcher({ stdout: true, jsonl: file }, new VirtualClock(), () => {});
		const seen: string[] = [];
		d.onAlert((a) => seen.push(a.violationId));
		d.dispatch(event(1));
		d.dispatch(event(2, true));
		const calls = write.mock.calls.map((c) => String(c[0]));
		write.mockRestore();
		expect(calls).toHaveLength(1);
		expect(JSON.parse(calls[0])).toEqual(toAlert(event(1)));
		expect(readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l).violationId)).toEqual(["v1"]);
		expect(seen).toEqual(["v1"]);
	});

	it("logs, and keeps going, when the jsonl file cannot be written", () => {
		const logs: string[] = [];
		const d = new AlertDispatcher({ jsonl: join(tempDir(), "missing-dir", "a.jsonl") }, new VirtualClock(), (s) => logs.push(s));
		d.dispatch(event(1));
		expect(logs[0]).toMatch(/cannot append/);
	});

	it("retries a failing webhook with exponential back-off on the clock, in order", async () => {
		const hook = await webhook([500, 503]);
		const clock = new VirtualClock();
		const logs: string[] = [];
		const d = new AlertDispatcher({ webhook: hook.url, webhookBackoffMs: 1000 }, clock, (s) => logs.push(s));
		d.dispatch(event(1));
		d.dispatch(event(2));
		await until(() => d.failedAttempts === 1, "first failure");
		expect(d.pending()).toBe(2);
		clock.advance(999);
		expect(hook.bodies).toHaveLength(1);
		clock.advance(1);
		await until(() => d.failedAttempts === 2, "second failure");
		clock.advance(2000);
		await until(() => d.delivered === 2, "delivery");
		expect(hook.bodies.map((b) => (b as { violationId: string }).violationId)).toEqual(["v1", "v1", "v1", "v2"]);
		expect(logs.filter((l) => l.includes("retry"))).toEqual(["alerts: webhook failed, retry 1 in 1000 ms", "alerts: webhook failed, retry 2 in 2000 ms"]);
	});

	it("gives up after the bounded attempts and drops the oldest beyond the queue limit", async () => {
		const hook = await webhook([500, 500]);
		const clock = new VirtualClock();
		const logs: string[] = [];
		const d = new AlertDispatcher({ webhook: hook.url, webhookAttempts: 2, webhookBackoffMs: 10, webhookQueueLimit: 1 }, clock, (s) => logs.push(s));
		d.dispatch(event(1));
		d.dispatch(event(2));
		d.dispatch(event(3));
		expect(d.dropped).toBe(1);
		await until(() => d.failedAttempts === 1, "failure");
		clock.advance(10);
		await until(() => d.failedAttempts === 2, "second failure");
		await until(() => d.delivered === 1, "next alert delivered");
		expect(logs.some((l) => l.includes("gave up on violation v1 after 2 attempts"))).toBe(true);
		expect(hook.bodies.map((b) => (b as { violationId: string }).violationId)).toEqual(["v1", "v1", "v3"]);
		d.stop();
	});

	it("counts an unreachable webhook as a failed attempt", async () => {
		const d = new AlertDispatcher({ webhook: "http://127.0.0.1:1/none", webhookAttempts: 1 }, new VirtualClock(), () => {});
		d.dispatch(event(1));
		await until(() => d.failedAttempts === 1, "connection failure");
		expect(d.dropped).toBe(1);
	});
});
