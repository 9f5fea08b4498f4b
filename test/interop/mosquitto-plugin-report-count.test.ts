/*
 * The broker-side report count of the mosquitto plugin (issue 16): per thing, the PUBLISHes mosquitto
 * accepted on the thing's own report topics (json and cbor), nothing else; it reaches Detect's ReportAudit
 * beside the reports Detect evaluated, and the two agree.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defenderTopic } from "../../modules/facts/facts";
import { realUntil } from "../helpers/agent-e2e";
import { startPluginBroker, type PluginBroker } from "../helpers/mosquitto-plugin";
import { report } from "../load/fleet";

let b: PluginBroker;

beforeAll(async () => {
	b = await startPluginBroker({ allowTopics: ["/rogue/agent"], withCloud: true });
});

afterAll(async () => {
	await b?.stop();
});

function audit(): NonNullable<ReturnType<NonNullable<PluginBroker["cloud"]>["reportAudit"]>> {
	const a = b.cloud?.reportAudit();
	if (!a) throw new Error("no report audit: cloud not started");
	return a;
}

describe("broker-side report count (mosquitto plugin)", () => {
	it("equals the reports a client sent, json and cbor; other topics and refused publishes are not reports", async () => {
		const c = await b.client("Reporter");
		const JSON_REPORTS = 7;
		const CBOR_REPORTS = 2;
		for (let i = 1; i <= JSON_REPORTS; i++) await c.publishAsync(defenderTopic("Reporter", "json"), report(i), { qos: 1 });
		for (let i = 0; i < CBOR_REPORTS; i++) await c.publishAsync(defenderTopic("Reporter", "cbor"), Buffer.from([0xa0]), { qos: 1 });
		await c.publishAsync("/rogue/agent", "not a report", { qos: 1 });
		await c.publishAsync("$aws/things/Reporter/defender/metrics/json/extra", "x", { qos: 1 }).catch(() => undefined);
		await c.publishAsync("$aws/things/Reporter/shadow/update", "{}", { qos: 1 }).catch(() => undefined);
		const sent = JSON_REPORTS + CBOR_REPORTS;
		await realUntil(() => audit().counts("Reporter").broker === sent && audit().counts("Reporter").evaluated === sent, 10_000, `the broker count ${sent} (have ${JSON.stringify(audit().counts("Reporter"))})`);
		await new Promise((r) => setTimeout(r, 400)); // several hand-over intervals (100 ms): nothing counted twice
		expect(audit().counts("Reporter")).toMatchObject({ broker: sent, delivered: sent, evaluated: sent, failed: 0, missing: 0 });
		await c.endAsync(true);
	});

	it("a publish on another thing's report topic is refused and counted for nobody", async () => {
		const c = await b.client("Intruder", { protocolVersion: 5 });
		await expect(c.publishAsync(defenderTopic("Victim", "json"), report(1), { qos: 1 })).rejects.toThrow(/Not authorized/);
		await c.publishAsync(defenderTopic("Intruder", "json"), report(1), { qos: 1 });
		await realUntil(() => audit().counts("Intruder").broker === 1, 10_000, "the intruder's own report");
		await new Promise((r) => setTimeout(r, 400));
		expect(audit().counts("Victim")).toMatchObject({ delivered: 0, evaluated: 0 });
		expect(audit().counts("Victim").broker).toBeUndefined();
		expect(audit().counts("Intruder")).toMatchObject({ broker: 1, evaluated: 1, missing: 0 });
		await c.endAsync(true);
	});
});
