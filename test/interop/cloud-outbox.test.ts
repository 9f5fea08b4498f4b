/* Alert delivery across a cloud restart: what the webhook acknowledged is not sent again, what it did not is delivered after the restart. */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Alert } from "../../cloud/alerts";
import { startTestCloud, tempDir, until, type CloudFixture } from "../helpers/cloud-setup";
import { startWebhook, type TestWebhook } from "../helpers/webhook-server";

const PROFILE = {
	securityProfileName: "Size",
	behaviors: [{ name: "small", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 1000 } } }],
};

let fixtures: CloudFixture[] = [];
let hook: TestWebhook | undefined;
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
	await hook?.close();
});

function flap(f: CloudFixture, n: number): void {
	for (let i = 0; i < n; i++) f.cloud.hooks().fromDevice("dev", "/data", Buffer.alloc(i % 2 ? 10 : 2000));
}

describe("cloud alert outbox across a restart", () => {
	it("delivers every alert exactly once by id: acknowledged ones before the restart, pending ones after it", async () => {
		const h = (hook = await startWebhook("ok"));
		const dataDir = join(tempDir(), "data");
		const pkiDir = join(tempDir(), "pki");
		const options = { dataDir, pkiDir, alerts: { webhook: h.url, webhookTimeoutMs: 5000, webhookBackoffMs: 1000 } };
		const first = await startTestCloud(options);
		fixtures.push(first);
		first.cloud.createSecurityProfile(PROFILE);
		first.cloud.attachSecurityProfile("Size", first.cloud.allThingsArn);
		const alerts: Alert[] = [];
		first.cloud.onAlert((a) => alerts.push(a));
		flap(first, 10);
		await until(() => h.acked.length === 10, "the first 10 deliveries");
		h.mode = "hang";
		flap(first, 20);
		await until(() => h.requests() === 11, "a POST left hanging");
		expect(first.cloud.pendingWebhookAlerts()).toBe(20);
		await first.cloud.stop();
		h.mode = "ok";

		const second = await startTestCloud(options);
		fixtures.push(second);
		expect(second.cloud.pendingWebhookAlerts()).toBe(20);
		await until(() => (second.clock.advance(100), second.cloud.pendingWebhookAlerts() === 0), "the pending deliveries after the restart", 30_000);
		expect(alerts).toHaveLength(30);
		expect(new Set(h.acked).size).toBe(30);
		expect(h.bodies).toEqual(alerts.map((a) => JSON.parse(JSON.stringify(a))));
	}, 60_000);
});
