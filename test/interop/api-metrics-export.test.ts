/*
 * Metrics export: a profile with metricsExportConfig, created with the real @aws-sdk/client-iot, publishes
 * each datapoint its exportMetric behaviors are evaluated on to the MQTT topic, in AWS's batched shape,
 * read by a real mqtt.js subscriber on the cloud's broker. Rules as data: the behaviors, the traffic,
 * the metrics expected on the topic.
 */
import { AttachSecurityProfileCommand, CreateSecurityProfileCommand, DeleteSecurityProfileCommand, type Behavior } from "@aws-sdk/client-iot";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { report, startApiCloud, type ApiFixture } from "../helpers/api-setup";
import { until } from "../helpers/cloud-setup";

const TOPIC = "export/metrics";
const ROLE = "arn:aws:iam::000000000000:role/export";

interface Case {
	name: string;
	behaviors: Behavior[];
	/** device-side reports (short JSON `met`) sent by the thing, then the 300 s window closes */
	reports: object[];
	/** messages the thing publishes on /rogue/agent (counted as aws:num-messages-sent) */
	messages: number;
	/** [metric, value] exported for the thing, in order */
	exported: [string, object][];
}

const bytesOut = (exportMetric: boolean): Behavior => ({ name: "bytesOut", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 10_000 } }, exportMetric });
const sent = (exportMetric: boolean): Behavior => ({ name: "sent", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 100 }, durationSeconds: 300 }, exportMetric });

const CASES: Case[] = [
	{ name: "a device-side datapoint per report, the cloud-side window count", behaviors: [bytesOut(true), sent(true)], reports: [{ ns: { bi: 1, bo: 500, pi: 1, po: 2 } }], messages: 3, exported: [["aws:all-bytes-out", { count: 500 }], ["aws:num-messages-sent", { count: 4 }]] },
	{ name: "only behaviors with exportMetric", behaviors: [bytesOut(false), sent(true)], reports: [{ ns: { bi: 1, bo: 700, pi: 1, po: 2 } }], messages: 1, exported: [["aws:num-messages-sent", { count: 2 }]] },
	{ name: "a violating value is exported like any other", behaviors: [bytesOut(true)], reports: [{ ns: { bi: 1, bo: 50_000, pi: 1, po: 2 } }], messages: 0, exported: [["aws:all-bytes-out", { count: 50_000 }]] },
];

let f: ApiFixture;
let sub: MqttClient;
const seen: { version: string; metrics: { name: string; thing: string; value: object; version: number; timestamp: number }[] }[] = [];

beforeAll(async () => {
	f = await startApiCloud({ allowTopics: ["/rogue/agent", TOPIC] });
	sub = await f.connect("export-reader");
	await sub.subscribeAsync(TOPIC, { qos: 1 });
	sub.on("message", (_t, payload) => seen.push(JSON.parse(payload.toString()) as (typeof seen)[number]));
});
afterAll(async () => {
	await f.cleanup();
});

describe("metrics export to the profile's MQTT topic", () => {
	CASES.forEach((c, i) => {
		it(c.name, async () => {
			const thing = `exp-${i}`;
			const profile = `Export${i}`;
			await f.iot.send(new CreateSecurityProfileCommand({ securityProfileName: profile, behaviors: c.behaviors, metricsExportConfig: { mqttTopic: TOPIC, roleArn: ROLE } }));
			await f.iot.send(new AttachSecurityProfileCommand({ securityProfileName: profile, securityProfileTargetArn: f.cloud.allThingsArn }));
			const device = await f.connect(thing);
			const windowEnd = Math.floor(f.clock.now() / 300_000) * 300_000 + 300_000;
			for (const [n, met] of c.reports.entries()) await report(device, thing, n + 1, met);
			for (let m = 0; m < c.messages; m++) await device.publishAsync("/rogue/agent", `m${m}`, { qos: 1 });
			await until(() => f.cloud.metrics(thing)["aws:num-messages-sent"] >= c.reports.length + c.messages, "the messages");
			f.clock.advance(windowEnd - f.clock.now());
			const mine = () => seen.flatMap((b) => b.metrics).filter((m) => m.thing === thing);
			await until(() => mine().length >= c.exported.length, "the exported metrics");
			await new Promise((r) => setTimeout(r, 50)); // nothing more arrives
			expect(mine().map((m) => [m.name, m.value])).toEqual(c.exported);
			for (const m of mine()) expect(m).toMatchObject({ version: 1, timestamp: expect.any(Number) });
			expect(mine().find((m) => m.name === "aws:num-messages-sent")?.timestamp ?? windowEnd).toBe(windowEnd);
			expect(seen.every((b) => b.version === "1.0")).toBe(true);
			device.end(true);
			await f.iot.send(new DeleteSecurityProfileCommand({ securityProfileName: profile }));
		});
	});

	it("batches the datapoints of one evaluation into one message", async () => {
		const before = seen.length;
		await f.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "ExportBatch", behaviors: [sent(true)], metricsExportConfig: { mqttTopic: TOPIC, roleArn: ROLE } }));
		await f.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "ExportBatch", securityProfileTargetArn: f.cloud.allThingsArn }));
		const devices = await Promise.all(["b-1", "b-2", "b-3"].map((t) => f.connect(t)));
		for (const d of devices) await d.publishAsync("/rogue/agent", "x", { qos: 1 });
		await until(() => ["b-1", "b-2", "b-3"].every((t) => f.cloud.metrics(t)["aws:num-messages-sent"] >= 1), "the messages");
		f.clock.advance(300_000);
		await until(() => seen.slice(before).flatMap((b) => b.metrics).filter((m) => m.thing.startsWith("b-")).length >= 3, "the batch");
		const batches = seen.slice(before).filter((b) => b.metrics.some((m) => m.thing.startsWith("b-")));
		expect(batches).toHaveLength(1);
		expect(batches[0].metrics.filter((m) => m.thing.startsWith("b-")).map((m) => [m.thing, m.value]).sort()).toEqual([["b-1", { count: 1 }], ["b-2", { count: 1 }], ["b-3", { count: 1 }]]);
	});
});
