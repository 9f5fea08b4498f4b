/*
 * A real mosquitto with the Defender plugin: identity is the certificate (client id = CN, so no session
 * takeover with another thing's certificate), the per-thing policy of the embedded broker on PUBLISH,
 * SUBSCRIBE and delivery, the `$defender/` topics reserved to Detect, and MQTT 5 reason codes on refusals.
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realUntil } from "../helpers/agent-e2e";
import { startPluginBroker, subscribeCodes, type PluginBroker } from "../helpers/mosquitto-plugin";

let b: PluginBroker;
const open: MqttClient[] = [];

beforeAll(async () => {
	b = await startPluginBroker({ allowTopics: ["/rogue/agent"] });
});

afterAll(async () => {
	await Promise.all(open.map((c) => c.endAsync(true)));
	await b?.stop();
});

async function client(thing: string, options: Parameters<PluginBroker["client"]>[1] = {}): Promise<MqttClient> {
	const c = await b.client(thing, options);
	open.push(c);
	return c;
}

/** Everything `c` receives from now on, as "topic payload". */
function collect(c: MqttClient): string[] {
	const got: string[] = [];
	c.on("message", (t, p) => got.push(`${t} ${p.toString()}`));
	return got;
}

/** Publishes `marker` on a topic `c` receives (in order after anything published before); returns what `got` holds then. */
async function receivedBefore(c: MqttClient, got: string[], topic: string, marker: string): Promise<string[]> {
	await c.publishAsync(topic, marker, { qos: 1 });
	await realUntil(() => got.includes(`${topic} ${marker}`), 5000, `the marker on ${topic}`);
	return got;
}

function closed(c: MqttClient): () => boolean {
	let isClosed = false;
	c.on("close", () => (isClosed = true));
	return () => isClosed;
}

function refusal(p: Promise<unknown>): Promise<{ code?: number; message: string }> {
	return p.then(
		() => ({ message: "accepted" }),
		(e: Error & { code?: number }) => ({ code: e.code, message: e.message }),
	);
}

describe("mosquitto with the Defender plugin: identity", () => {
	it("a CONNECT with another thing's client id is refused, and the owner's session survives", async () => {
		const owner = await client("Owner");
		let ownerClosed = false;
		owner.on("close", () => (ownerClosed = true));
		const got = collect(owner);
		await owner.subscribeAsync("$aws/things/Owner/inbox", { qos: 1 });
		const r = await refusal(b.client("Intruder", { clientId: "Owner" }));
		expect(r.message).toMatch(/Not authorized/);
		expect(r.code).toBe(5);
		expect(await receivedBefore(owner, got, "$aws/things/Owner/inbox", "still here")).toEqual(["$aws/things/Owner/inbox still here"]);
		expect(ownerClosed).toBe(false);
		expect(b.mosquitto.output).toContain("client id Owner does not match the certificate CN");
	});

	it("MQTT 5: the refused takeover gets CONNACK reason 0x87 (not authorized)", async () => {
		await client("Owner5", { protocolVersion: 5 });
		const r = await refusal(b.client("Intruder5", { clientId: "Owner5", protocolVersion: 5 }));
		expect(r.code).toBe(0x87);
	});

	it("the Detect service's name cannot be used by a thing, nor its client id without its certificate", async () => {
		const r = await refusal(b.client("Thing1", { clientId: "defender-detect" }));
		expect(r.code).toBe(5);
	});
});

describe("mosquitto with the Defender plugin: per-thing policy", () => {
	it("SUBSCRIBE to another thing's topics and to its own report topics is refused (0x80)", async () => {
		const a = await client("SubA");
		expect(await subscribeCodes(a, "$aws/things/SubB/#")).toEqual([0x80]);
		expect(await subscribeCodes(a, "$aws/things/SubB/defender/metrics/json/accepted")).toEqual([0x80]);
		expect(await subscribeCodes(a, "$aws/things/SubA/defender/metrics/json")).toEqual([0x80]);
		expect(await subscribeCodes(a, "$aws/things/SubA/defender/metrics/+")).toEqual([0x80]);
		expect(await subscribeCodes(a, "$aws/things/SubA/#")).toEqual([0x80]);
		expect(await subscribeCodes(a, "$aws/things/+/shadow")).toEqual([0x80]);
		expect(await subscribeCodes(a, "$defender/metrics/+")).toEqual([0x80]);
		expect(await subscribeCodes(a, "$aws/things/SubA/defender/metrics/json/accepted")).toEqual([1]);
		expect(await subscribeCodes(a, "$aws/things/SubA/shadow/#")).toEqual([1]);
		expect(await subscribeCodes(a, "/rogue/agent")).toEqual([1]);
	});

	it("a PUBLISH on another thing's topic never reaches it, and the publisher's MQTT 3.1.1 connection is closed (as AWS does)", async () => {
		const victim = await client("Victim");
		const other = await client("Other");
		const otherClosed = closed(other);
		const got = collect(victim);
		await victim.subscribeAsync("$aws/things/Victim/inbox", { qos: 1 });
		other.publish("$aws/things/Victim/inbox", "forged", { qos: 0 });
		await realUntil(otherClosed, 10_000, "the broker to close the publisher");
		expect(await receivedBefore(victim, got, "$aws/things/Victim/inbox", "mine")).toEqual(["$aws/things/Victim/inbox mine"]);
		expect(b.mosquitto.output).toContain("defender: denied Other publish to $aws/things/Victim/inbox");
	});

	it("a forged reply on its own reply topic is refused (only the service publishes replies) and closes the connection", async () => {
		const a = await client("Forger");
		const topic = "$aws/things/Forger/defender/metrics/json/accepted";
		const got = collect(a);
		const aClosed = closed(a);
		await a.subscribeAsync(topic, { qos: 1 });
		a.publish(topic, JSON.stringify({ thingName: "Forger", reportId: 1, status: "ACCEPTED" }), { qos: 0 });
		await realUntil(aClosed, 10_000, "the broker to close the forger");
		expect(got).toEqual([]);
		expect(b.mosquitto.output).toContain(`defender: denied Forger publish to ${topic}`);
	});

	it("MQTT 5: a forged reply gets PUBACK 0x87 and is never delivered; the connection stays", async () => {
		const a = await client("Forger5", { protocolVersion: 5 });
		const topic = "$aws/things/Forger5/defender/metrics/cbor/rejected";
		const got = collect(a);
		await a.subscribeAsync([topic, "/rogue/agent"], { qos: 1 });
		const r = await refusal(a.publishAsync(topic, "forged", { qos: 1 }));
		expect(r.message).toMatch(/Not authorized/);
		// a marker on an allowed topic, in order after the forged reply: the forged one never arrives
		expect(await receivedBefore(a, got, "/rogue/agent", "marker")).toEqual(["/rogue/agent marker"]);
	});

	it("a thing cannot forge Detect's counters on $defender/ topics", async () => {
		const a = await client("CounterForger");
		const aClosed = closed(a);
		a.publish("$defender/metrics/batch", JSON.stringify({ thing: "CounterForger" }), { qos: 0 });
		await realUntil(aClosed, 10_000, "the broker to close the forger");
		expect(b.mosquitto.output).toContain("defender: denied CounterForger publish to $defender/metrics/batch");
	});

	it("MQTT 5: refused SUBSCRIBE and PUBLISH get reason code 0x87", async () => {
		const a = await client("V5", { protocolVersion: 5 });
		expect(await subscribeCodes(a, "$aws/things/Other5/#")).toEqual([0x87]);
		expect(await subscribeCodes(a, "$aws/things/V5/defender/metrics/cbor")).toEqual([0x87]);
		const pub = await refusal(a.publishAsync("$aws/things/V5/defender/metrics/cbor/rejected", "x", { qos: 1 }));
		expect(pub.message).toMatch(/Not authorized/);
		const other = await refusal(a.publishAsync("$aws/things/Other5/x", "x", { qos: 1 }));
		expect(other.message).toMatch(/Not authorized/);
		expect(await refusal(a.publishAsync("$aws/things/V5/x", "x", { qos: 1 }))).toEqual({ message: "accepted" });
	});
});
