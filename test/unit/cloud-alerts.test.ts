/* Alerts: SNS message shape to stdout / JSON lines / webhook; the webhook goes through the persisted outbox: timeout, back-off on the clock, nothing dropped, resumed after a restart. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { AlertDispatcher, toAlert } from "../../cloud/alerts";
import type { ViolationEvent } from "../../cloud/detect/engine";
import type { OutboxTable } from "../../cloud/outbox-table";
import { CloudStore } from "../../cloud/store";
import { tempDir, until } from "../helpers/cloud-setup";
import { spySqlite } from "../helpers/sqlite-spy";
import { startWebhook, type TestWebhook, type WebhookMode } from "../helpers/webhook-server";

const event = (n: number, suppressAlerts?: boolean): ViolationEvent => ({
	violationId: `v${n}`,
	thingName: "dev",
	securityProfileName: "p",
	behavior: { name: "b", metric: "aws:message-byte-size", criteria: { comparisonOperator: "greater-than", value: { count: 5000 } }, suppressAlerts },
	metricValue: { count: 26 },
	violationEventType: "in-alarm",
	violationEventTime: 1582745400000,
});

let hooks: TestWebhook[] = [];
afterEach(async () => {
	for (const h of hooks) await h.close();
	hooks = [];
});

async function webhook(mode: WebhookMode): Promise<TestWebhook> {
	const h = await startWebhook(mode);
	hooks.push(h);
	return h;
}

const outbox = (): OutboxTable => new CloudStore(":memory:").outbox;

describe("cloud alerts", () => {
	it("has exactly the SNS message fields", () => {
		expect(Object.keys(toAlert(event(1))).sort()).toEqual(["behavior", "metricValue", "securityProfileName", "thingName", "violationEventTime", "violationEventType", "violationId"]);
	});

	it("writes one JSON line per alert to stdout and the jsonl file, nothing for suppressed behaviors", () => {
		const file = join(tempDir(), "alerts.jsonl");
		const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
		const d = new AlertDispatcher({ stdout: true, jsonl: file }, new VirtualClock(), () => {}, outbox());
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
		const d = new AlertDispatcher({ jsonl: join(tempDir(), "missing-dir", "a.jsonl") }, new VirtualClock(), (s) => logs.push(s), outbox());
		d.dispatch(event(1));
		expect(logs[0]).toMatch(/cannot append/);
	});

	it("retries a failing webhook with exponential back-off on the clock, in order", async () => {
		const hook = await webhook("fail");
		const clock = new VirtualClock();
		const logs: string[] = [];
		const d = new AlertDispatcher({ webhook: hook.url, webhookBackoffMs: 1000 }, clock, (s) => logs.push(s), outbox());
		d.dispatch(event(1));
		d.dispatch(event(2));
		await until(() => d.failedAttempts === 1, "first failure");
		expect(d.pending()).toBe(2);
		clock.advance(999);
		expect(hook.requests()).toBe(1);
		clock.advance(1);
		await until(() => d.failedAttempts === 2, "second failure");
		hook.mode = "ok";
		clock.advance(2000);
		await until(() => d.delivered === 2, "delivery");
		expect(hook.bodies.map((b) => b.violationId)).toEqual(["v1", "v2"]);
		expect(hook.requests()).toBe(4);
		expect(logs.filter((l) => l.includes("failed")).map((l) => l.replace(/ of \S+;/, ";"))).toEqual([
			`alerts: delivery to webhook:${hook.url} failed (HTTP 500), attempt 1; 2 pending, next attempt in 1000 ms`,
			`alerts: delivery to webhook:${hook.url} failed (HTTP 500), attempt 2; 2 pending, next attempt in 2000 ms`,
		]);
		d.stop();
	});

	it("times out a hanging POST, keeps every alert while the webhook is down, then delivers each exactly once", async () => {
		const hook = await webhook("hang");
		const clock = new VirtualClock();
		const logs: string[] = [];
		const d = new AlertDispatcher({ webhook: hook.url, webhookTimeoutMs: 2000, webhookBackoffMs: 1000 }, clock, (s) => logs.push(s), outbox());
		for (let i = 0; i < 1200; i++) d.dispatch(event(i));
		// the 2 s timeout is real time: on a loaded machine its timer can fire late, so wait well past it
		await until(() => d.failedAttempts === 1, "the hanging POST to time out", 30_000);
		expect(logs.at(-1)).toMatch(/failed \(no reply within 2000 ms\).*1200 pending, next attempt in 1000 ms/);
		await hook.down();
		clock.advance(1000);
		await until(() => d.failedAttempts === 2, "the refused POST", 30_000);
		// refused outright, or (when undici had a pooled socket to the closed server) the socket error
		expect(logs.at(-1)).toMatch(/failed \((ECONNREFUSED|UND_ERR_SOCKET)\).*1200 pending, next attempt in 2000 ms/);
		await hook.up();
		hook.mode = "ok";
		clock.advance(2000);
		// a POST slowed past the timeout by a busy machine is retried after a back-off: keep virtual time moving
		await until(() => (clock.advance(100), d.delivered === 1200), "all deliveries", 60_000);
		expect(d.pending()).toBe(0);
		expect(new Set(hook.acked).size).toBe(1200);
		expect(hook.acked).toHaveLength(1200);
		expect(hook.bodies.map((b) => b.violationId)).toEqual(Array.from({ length: 1200 }, (_, i) => `v${i}`));
		d.stop();
	}, 90_000);

	it("resumes the outbox's pending deliveries after a restart", async () => {
		const dir = tempDir();
		const hook = await webhook("fail");
		const clock = new VirtualClock();
		const first = new CloudStore(dir);
		const a = new AlertDispatcher({ webhook: hook.url }, clock, () => {}, first.outbox);
		for (let i = 0; i < 3; i++) a.dispatch(event(i));
		await until(() => a.failedAttempts === 1, "failure");
		a.stop();
		first.close();
		hook.mode = "ok";
		const second = new CloudStore(dir);
		const b = new AlertDispatcher({ webhook: hook.url }, clock, () => {}, second.outbox);
		expect(b.pending()).toBe(3);
		clock.advance(1000);
		await until(() => b.delivered === 3, "resumed deliveries");
		expect(hook.bodies.map((x) => x.violationId)).toEqual(["v0", "v1", "v2"]);
		expect(second.outbox.count()).toBe(0);
		b.stop();
		second.close();
	});

	it("delivers from memory, and says so, while the outbox cannot be written", async () => {
		const sql = spySqlite();
		const store = new CloudStore(join(tempDir(), "data"));
		const hook = await webhook("ok");
		const logs: string[] = [];
		const d = new AlertDispatcher({ webhook: hook.url }, new VirtualClock(), (s) => logs.push(s), store.outbox);
		sql.connections[0].pragma("query_only = ON");
		for (let i = 0; i < 3; i++) d.dispatch(event(i));
		await until(() => d.delivered === 3, "deliveries from memory");
		expect(logs).toEqual([expect.stringMatching(/^alerts: outbox not written \(SQLITE_READONLY: [^)]*\); deliveries held in memory: 1, written when it works again$/)]);
		sql.connections[0].pragma("query_only = OFF");
		d.dispatch(event(3));
		await until(() => d.delivered === 4, "delivery through the table");
		expect([d.pending(), hook.bodies.map((b) => b.violationId)]).toEqual([0, ["v0", "v1", "v2", "v3"]]);
		d.stop();
		store.close();
		vi.restoreAllMocks();
	});

	it("counts an unreachable webhook as a failed attempt and keeps the alert", async () => {
		const d = new AlertDispatcher({ webhook: "http://127.0.0.1:1/none" }, new VirtualClock(), () => {}, outbox());
		d.dispatch(event(1));
		await until(() => d.failedAttempts === 1, "connection failure");
		expect(d.pending()).toBe(1);
		d.stop();
	});
});
