/* Detect end to end through the broker: rogue traffic alarms, device reports, suppressAlerts, invalidation, restart. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Alert } from "../../cloud/alerts";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { nextMessage, startTestCloud, tempDir, until, type CloudFixture } from "../helpers/cloud-setup";

const MIN5 = 300_000;
const ROGUE_PROFILE = {
	securityProfileName: "RogueAgent",
	behaviors: [
		{ name: "chatty", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 10 }, durationSeconds: 300, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 } },
		{ name: "big", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 50 } }, suppressAlerts: true },
		{ name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8883] } } },
	],
};

let fixtures: CloudFixture[] = [];
let server: Server | undefined;
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
	server?.close();
});

async function failingOnceWebhook(): Promise<{ url: string; bodies: Alert[]; calls: () => number }> {
	const bodies: Alert[] = [];
	let calls = 0;
	server = createServer((req, res) => {
		let body = "";
		req.on("data", (c) => (body += c));
		req.on("end", () => {
			res.statusCode = calls++ === 0 ? 500 : 200;
			if (res.statusCode === 200) bodies.push(JSON.parse(body) as Alert);
			res.end();
		});
	});
	await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies, calls: () => calls };
}

describe("cloud detect through the broker", () => {
	it("raises the rogue alarm at the window end, alerts on every sink, lists suppressed violations without alerting", async () => {
		const dir = tempDir();
		const hook = await failingOnceWebhook();
		const f = await startTestCloud({ allowTopics: ["/rogue/agent"], alerts: { jsonl: join(dir, "alerts.jsonl"), webhook: hook.url, webhookBackoffMs: 1000 } }, dir);
		fixtures.push(f);
		f.cloud.createSecurityProfile(ROGUE_PROFILE);
		f.cloud.attachSecurityProfile("RogueAgent", f.cloud.allThingsArn);
		const alerts: Alert[] = [];
		f.cloud.onAlert((a) => alerts.push(a));
		const rogue = await f.connect("rogue");
		for (let i = 0; i < 20; i++) rogue.publish("/rogue/agent", "x".repeat(100));
		await until(() => f.cloud.metrics("rogue")["aws:num-messages-sent"] === 20, "20 messages");
		expect(f.cloud.listActiveViolations().map((v) => v.behavior.name)).toEqual(["big"]);
		expect(alerts).toEqual([]);
		f.clock.advance(MIN5);
		expect(alerts.map((a) => [a.thingName, a.behavior.name, a.violationEventType, a.metricValue])).toEqual([["rogue", "chatty", "in-alarm", { count: 20 }]]);
		expect(f.cloud.listActiveViolations({ listSuppressedAlerts: false }).map((v) => v.behavior.name)).toEqual(["chatty"]);
		expect(f.cloud.listActiveViolations({ thingName: "rogue" })).toHaveLength(2);
		expect(readFileSync(join(dir, "alerts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).behavior.name)).toEqual(["chatty"]);
		const dev = await f.connect("dev");
		await dev.subscribeAsync("$aws/things/dev/defender/metrics/json/accepted", { qos: 1 });
		const ok = nextMessage(dev, "$aws/things/dev/defender/metrics/json/accepted");
		dev.publish("$aws/things/dev/defender/metrics/json", JSON.stringify({ hed: { rid: 1, v: "1.0" }, met: { tp: { pts: [{ pt: 8883 }, { pt: 23 }], t: 2 } } }));
		await ok;
		expect(alerts.map((a) => `${a.thingName}/${a.behavior.name}`)).toEqual(["rogue/chatty", "dev/ports"]);
		await until(() => hook.calls() === 1 && f.cloud.pendingWebhookAlerts() === 2, "first webhook failure");
		expect(hook.bodies).toEqual([]);
		f.clock.advance(1000);
		await until(() => hook.bodies.length === 2, "webhook retries delivered");
		expect(hook.bodies.map((b) => b.violationId)).toEqual(alerts.map((a) => a.violationId));
		expect(f.cloud.listMetricValues("dev", "aws:listening-tcp-ports")).toEqual([{ timestamp: f.clock.now() - 1000, value: { ports: [8883, 23] } }]);
	});

	it("clears when the rogue stops while connected, invalidates when a thing goes silent", async () => {
		const f = await startTestCloud({ allowTopics: ["/rogue/agent"], invalidateAfterSeconds: 900 });
		fixtures.push(f);
		f.cloud.createThingGroup("fleet");
		f.cloud.addThingToThingGroup("rogue", "fleet");
		f.cloud.createSecurityProfile({ securityProfileName: "RogueAgent", behaviors: [ROGUE_PROFILE.behaviors[0]] });
		f.cloud.attachSecurityProfile("RogueAgent", "arn:aws:iot:us-east-1:123456789012:thinggroup/fleet");
		const rogue = await f.connect("rogue");
		for (let i = 0; i < 12; i++) rogue.publish("/rogue/agent", "x");
		await until(() => f.cloud.metrics("rogue")["aws:num-messages-sent"] === 12, "12 messages");
		f.clock.advance(MIN5);
		f.clock.advance(MIN5);
		expect(f.cloud.listViolationEvents().map((e) => e.violationEventType)).toEqual(["in-alarm", "alarm-cleared"]);
		for (let i = 0; i < 12; i++) rogue.publish("/rogue/agent", "x");
		await until(() => f.cloud.metrics("rogue")["aws:num-messages-sent"] === 24, "24 messages");
		rogue.end(true);
		await until(() => !f.cloud.metrics("rogue").connected, "disconnect");
		f.clock.advance(MIN5);
		f.clock.advance(2 * MIN5);
		expect(f.cloud.listActiveViolations()).toHaveLength(1);
		f.clock.advance(MIN5);
		expect(f.cloud.listViolationEvents().map((e) => e.violationEventType)).toEqual(["in-alarm", "alarm-cleared", "in-alarm", "alarm-invalidated"]);
		expect(f.cloud.listActiveViolations()).toEqual([]);
		const [, , third, fourth] = f.cloud.listViolationEvents();
		expect(fourth.violationId).toBe(third.violationId);
		expect(f.cloud.listViolationEvents({ startTime: fourth.violationEventTime })).toEqual([fourth]);
	});

	it("keeps profiles, groups, violations, history and report state across a restart", async () => {
		const dir = tempDir();
		const clock = new VirtualClock(Date.UTC(2026, 0, 1));
		const options = { dataDir: join(dir, "data"), pkiDir: join(dir, "pki"), clock, minReportIntervalSeconds: 300 };
		const first = await startTestCloud(options, dir);
		first.cloud.createThingGroup("g");
		first.cloud.addThingToThingGroup("dev", "g");
		first.cloud.createSecurityProfile({ securityProfileName: "Ports", behaviors: [ROGUE_PROFILE.behaviors[2]] });
		first.cloud.attachSecurityProfile("Ports", "arn:aws:iot:local:000000000000:thinggroup/g");
		const dev = await first.connect("dev");
		await dev.subscribeAsync("$aws/things/dev/defender/metrics/json/+", { qos: 1 });
		const ok = nextMessage(dev, "$aws/things/dev/defender/metrics/json/accepted");
		dev.publish("$aws/things/dev/defender/metrics/json", JSON.stringify({ hed: { rid: 5, v: "1.0" }, met: { tp: { pts: [{ pt: 23 }] } } }));
		await ok;
		dev.end(true);
		await first.cloud.stop();

		const second = await startTestCloud(options, dir);
		fixtures.push(second);
		expect(second.cloud.listSecurityProfiles()).toEqual([{ securityProfileName: "Ports", targets: ["arn:aws:iot:local:000000000000:thinggroup/g"] }]);
		expect(second.cloud.listActiveViolations().map((v) => [v.thingName, v.behavior.name, v.lastViolationValue])).toEqual([["dev", "ports", { ports: [23] }]]);
		expect(second.cloud.listViolationEvents().map((e) => e.violationEventType)).toEqual(["in-alarm"]);
		const again = await second.connect("dev");
		await again.subscribeAsync("$aws/things/dev/defender/metrics/json/+", { qos: 1 });
		const throttled = nextMessage(again, "$aws/things/dev/defender/metrics/json/rejected");
		again.publish("$aws/things/dev/defender/metrics/json", JSON.stringify({ hed: { rid: 5, v: "1.0" }, met: {} }));
		again.publish("$aws/things/dev/defender/metrics/json", JSON.stringify({ hed: { rid: 6, v: "1.0" }, met: { tp: { pts: [] } } }));
		expect(JSON.parse((await throttled).toString())).toMatchObject({ reportId: 6, statusDetails: { ErrorCode: "Throttled" } });
		expect(second.logs.some((l) => l.includes("duplicate report id 5"))).toBe(true);
		clock.advance(MIN5);
		const cleared = nextMessage(again, "$aws/things/dev/defender/metrics/json/accepted");
		again.publish("$aws/things/dev/defender/metrics/json", JSON.stringify({ hed: { rid: 7, v: "1.0" }, met: { tp: { pts: [] } } }));
		await cleared;
		expect(second.cloud.listViolationEvents().map((e) => e.violationEventType)).toEqual(["in-alarm", "alarm-cleared"]);
	});
});
