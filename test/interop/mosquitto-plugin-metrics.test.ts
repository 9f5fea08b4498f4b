/*
 * The cloud on a real mosquitto with the Defender plugin (startCloud with `broker: {url, plugin: true}`):
 * the plugin's counters are the cloud-side metrics, exactly what the clients did, and Detect evaluates
 * them — the seed's msgReceive (aws:num-messages-received) goes in alarm on the rogue device.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevice, type Device } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { realUntil, running } from "../helpers/agent-e2e";
import { startPluginBroker, subscribeCodes, type PluginBroker } from "../helpers/mosquitto-plugin";

let b: PluginBroker;
const clock = new VirtualClock();

beforeAll(async () => {
	b = await startPluginBroker({ allowTopics: ["/rogue/agent"], withCloud: true, clock, batchThings: 2 });
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

describe("cloud-side metrics from the mosquitto plugin", () => {
	it("are available: nothing is reported unavailable", () => {
		expect(cloud().unavailableMetrics()).toEqual([]);
		expect(b.logs.join("\n")).toContain("cloud-side metrics from the mosquitto plugin");
		expect(b.logs.join("\n")).not.toContain("not evaluated");
	});

	it("count exactly what a client did: messages, bytes, deliveries, refusals, connects, disconnects, source IP", async () => {
		const c = await b.client("Counted");
		await c.subscribeAsync("$aws/things/Counted/echo", { qos: 1 });
		let received = 0;
		c.on("message", () => received++);
		const sizes = [1, 10, 100, 1000, 3];
		for (const n of sizes) await c.publishAsync("$aws/things/Counted/echo", Buffer.alloc(n, 0x61), { qos: 1 });
		await realUntil(() => received === sizes.length, 5000, "the echoes");
		expect(await subscribeCodes(c, "$aws/things/Other/#")).toEqual([0x80]);
		expect(await subscribeCodes(c, "$aws/things/Counted/defender/metrics/json")).toEqual([0x80]);
		await realUntil(() => cloud().metrics("Counted").connected, 5000, "the connect event");
		expect(cloud().metrics("Counted")["aws:source-ip-address"]).toBe("127.0.0.1");
		// a refused PUBLISH: counted, and the MQTT 3.1.1 connection is closed (one disconnect)
		c.publish("$aws/things/Other/x", "refused", { qos: 0 });
		await realUntil(() => cloud().metrics("Counted")["aws:num-disconnects"] === 1, 5000, "the disconnect");
		c.end(true);
		await new Promise((r) => setTimeout(r, 500)); // several hand-over intervals: nothing is counted twice
		expect(cloud().metrics("Counted")).toMatchObject({
			"aws:num-messages-sent": 5,
			"aws:num-messages-received": 5,
			"aws:num-authorization-failures": 3,
			"aws:message-byte-size": expect.any(Number),
			"aws:num-connection-attempts": 1,
			"aws:num-disconnects": 1,
			connected: false,
		});
	});

	it("things beyond one batch (2 things per message here) are all counted, exactly", async () => {
		const names = ["Batch1", "Batch2", "Batch3", "Batch4", "Batch5"];
		const clients = await Promise.all(names.map((n) => b.client(n)));
		await Promise.all(clients.map(async (c, i) => {
			for (let k = 0; k <= i; k++) await c.publishAsync(`$aws/things/${names[i]}/t`, "x".repeat(k + 1), { qos: 1 });
		}));
		await Promise.all(clients.map((c) => c.endAsync()));
		await realUntil(() => names.every((n) => cloud().metrics(n)["aws:num-disconnects"] === 1), 10_000, "every thing's disconnect");
		expect(names.map((n) => cloud().metrics(n)["aws:num-messages-sent"])).toEqual([1, 2, 3, 4, 5]);
		expect(names.map((n) => cloud().metrics(n)["aws:num-connection-attempts"])).toEqual([1, 1, 1, 1, 1]);
	});

	it("a per-message aws:message-byte-size behavior sees the largest message of an interval and alarms", async () => {
		const group = cloud().createThingGroup("bigSenders");
		cloud().addThingToThingGroup("Big", "bigSenders");
		cloud().createSecurityProfile({
			securityProfileName: "LargeMessageSize",
			behaviors: [{ name: "messageSize", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 500 }, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 } }],
		});
		cloud().attachSecurityProfile("LargeMessageSize", group);
		const c = await b.client("Big");
		for (const n of [10, 20, 30]) await c.publishAsync("$aws/things/Big/t", Buffer.alloc(n), { qos: 1 });
		await realUntil(() => cloud().metrics("Big")["aws:num-messages-sent"] === 3, 5000, "the small messages");
		expect(cloud().listViolationEvents({ thingName: "Big" }).map((e) => JSON.stringify(e))).toEqual([]);
		for (const n of [10, 501, 30]) await c.publishAsync("$aws/things/Big/t", Buffer.alloc(n), { qos: 1 });
		await realUntil(() => cloud().listViolationEvents({ thingName: "Big" }).length > 0, 5000, "the alarm");
		const [alarm] = cloud().listViolationEvents({ thingName: "Big" });
		expect(alarm).toMatchObject({ violationEventType: "in-alarm", behavior: { name: "messageSize" }, metricValue: { count: 501 } });
		await c.endAsync();
	});

	it("a refused takeover counts one connection attempt and one authorization failure on the intruder's certificate", async () => {
		const owner = await b.client("Holder");
		await expect(b.client("Taker", { clientId: "Holder" })).rejects.toThrow(/Not authorized/);
		await realUntil(() => cloud().metrics("Taker")["aws:num-authorization-failures"] === 1, 5000, "the intruder's failure");
		expect(cloud().metrics("Taker")["aws:num-connection-attempts"]).toBe(1);
		await realUntil(() => cloud().metrics("Holder").connected, 5000, "the owner's connect");
		expect(cloud().metrics("Holder")).toMatchObject({ "aws:num-disconnects": 0, "aws:num-authorization-failures": 0, connected: true });
		await owner.endAsync();
	});

	it("counters forged by a thing on $defender/ are refused and never counted", async () => {
		const f = await b.client("Forging", { protocolVersion: 5 });
		const fake = JSON.stringify({ thing: "Forging", sent: 1000, bytes: 1000, minSize: 1, maxSize: 1, received: 0, authorizationFailures: 0, connectionAttempts: 0, connects: 0, disconnects: 0, online: true, ip: "10.0.0.1" });
		await expect(f.publishAsync("$defender/metrics/batch", `[${fake}]`, { qos: 1 })).rejects.toThrow(/Not authorized/);
		await realUntil(() => cloud().metrics("Forging")["aws:num-authorization-failures"] === 1, 5000, "the refusal");
		expect(cloud().metrics("Forging")["aws:num-messages-sent"]).toBe(0);
		expect(cloud().metrics("Forging")["aws:source-ip-address"]).toBe("127.0.0.1");
		await f.endAsync();
	});

	it("rogue mode through mosquitto: msgReceive (aws:num-messages-received) and bytesOut go in alarm", async () => {
		const f = cloud().issueThingCertificate("MyDevice");
		const d: Device = await startDevice({
			thingName: "MyDevice", host: "127.0.0.1", port: b.port, ca: readFileSync(f.caPem), cert: readFileSync(f.certPem), key: readFileSync(f.keyPem),
			clock, storePath: join(b.dir, "MyDevice.json"), rogue: true,
		});
		try {
			await clock.runUntil(() => d.status.accepted >= 1, 1_000_000, running(d));
			await clock.runFor(900_000, running(d));
			expect(d.status.rogue.received, "mosquitto delivered the rogue echoes").toBeGreaterThan(100);
			const active = cloud().listActiveViolations({ thingName: "MyDevice" });
			expect(active.map((v) => v.behavior.name).sort()).toEqual(["bytesOut", "msgReceive"]);
			const alarm = cloud().listViolationEvents({ thingName: "MyDevice" }).find((e) => e.behavior.name === "msgReceive");
			expect(alarm?.violationEventType).toBe("in-alarm");
			expect(alarm?.metricValue?.count).toBeGreaterThanOrEqual(100);
			// every delivery the device got (rogue echoes and report replies) was counted, once. Compared while the
			// device still runs: virtual time stands still, so nothing new is sent, and an echo in flight reaches the
			// device (stopping it first could leave one that mosquitto wrote, and counted, unread)
			const delivered = (): number => d.status.rogue.received + d.status.accepted + d.status.rejected;
			await realUntil(() => cloud().metrics("MyDevice")["aws:num-messages-received"] >= delivered(), 5000, "the last counters");
			await new Promise((r) => setTimeout(r, 300));
			expect(cloud().metrics("MyDevice")["aws:num-messages-received"]).toBe(delivered());
		} finally {
			await d.stop();
		}
	});
});
