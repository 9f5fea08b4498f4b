/*
 * The seed's two violations from an MQTT 5 client (mqtt.js, protocolVersion 5) through mosquitto with the
 * Defender plugin: the rogue flood it receives makes msgReceive (aws:num-messages-received, counted by the
 * plugin) go in alarm, and the bytes out its report declares make bytesOut (device side) go in alarm.
 */
import { readFileSync } from "node:fs";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { realUntil } from "../helpers/agent-e2e";
import { startPluginBroker, type PluginBroker } from "../helpers/mosquitto-plugin";

const THING = "Mqtt5Device";
const ROGUE = "/rogue/agent";
const FLOOD = 150;

let b: PluginBroker;
const clock = new VirtualClock();

beforeAll(async () => {
	b = await startPluginBroker({ allowTopics: [ROGUE], withCloud: true, clock });
	const cloud = b.cloud;
	if (!cloud) throw new Error("cloud not started");
	cloud.createSecurityProfile(JSON.parse(readFileSync("profiles/CheckRogueDevices.json", "utf8")));
	cloud.attachSecurityProfile("CheckRogueDevices", cloud.allThingsArn);
});

afterAll(async () => {
	await b?.stop();
});

function cloud(): NonNullable<PluginBroker["cloud"]> {
	if (!b.cloud) throw new Error("cloud not started");
	return b.cloud;
}

async function flood(c: MqttClient): Promise<number> {
	let echoes = 0;
	c.on("message", (topic) => {
		if (topic === ROGUE) echoes++;
	});
	await c.subscribeAsync(ROGUE, { qos: 1 });
	for (let i = 0; i < FLOOD; i++) await c.publishAsync(ROGUE, "x".repeat(100), { qos: 1 });
	await realUntil(() => echoes >= FLOOD, 10_000, "the rogue echoes");
	return echoes;
}

async function reportBytesOut(c: MqttClient, bytesOut: number): Promise<{ status: string; reportId: number }> {
	const accepted = `$aws/things/${THING}/defender/metrics/json/accepted`;
	await c.subscribeAsync([accepted, `$aws/things/${THING}/defender/metrics/json/rejected`], { qos: 1 });
	const reply = new Promise<{ status: string; reportId: number }>((resolve) =>
		c.on("message", (topic, payload) => {
			if (topic.startsWith(`$aws/things/${THING}/defender/metrics/json/`)) resolve(JSON.parse(payload.toString()));
		}),
	);
	const report = { hed: { rid: 1, v: "1.0" }, met: { ns: { bi: 20_000, bo: bytesOut, pi: 200, po: 200 } } };
	await c.publishAsync(`$aws/things/${THING}/defender/metrics/json`, JSON.stringify(report), { qos: 1 });
	return reply;
}

describe("the seed's violations from an MQTT 5 client through mosquitto + plugin", () => {
	it("msgReceive and bytesOut go in alarm, with the counts the client caused", async () => {
		const c = await b.client(THING, { protocolVersion: 5 });
		try {
			const echoes = await flood(c);
			expect(await reportBytesOut(c, 50_000)).toMatchObject({ status: "ACCEPTED", reportId: 1 });
			// the echoes and the reply, counted by the plugin, reach Detect within a counters interval
			await realUntil(() => cloud().metrics(THING)["aws:num-messages-received"] >= echoes + 1, 10_000, "the plugin's counters");
			clock.advance(300_000); // to the end of the 300 s window the traffic fell in (the next one, quiet, would clear it)
			const active = cloud().listActiveViolations({ thingName: THING });
			expect(active.map((v) => v.behavior.name).sort()).toEqual(["bytesOut", "msgReceive"]);
			const events = cloud().listViolationEvents({ thingName: THING });
			const msg = events.find((e) => e.behavior.name === "msgReceive");
			expect(msg?.violationEventType).toBe("in-alarm");
			expect(msg?.metricValue?.count).toBe(echoes + 1);
			expect(events.find((e) => e.behavior.name === "bytesOut")?.metricValue?.count).toBe(50_000);
		} finally {
			await c.endAsync();
		}
	});
});
