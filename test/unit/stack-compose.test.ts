/*
 * The one composition (modules/stack), used by main.ts and hardware/host/device.ts: the device's
 * limits by default (4 KB payloads, 2 in flight, reports cut to 4 KB), raised only explicitly; a
 * refused SUBSCRIBE (reply topics, rogue topic) is logged and shown in the agent's status.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDevice } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import * as STATUS from "../../modules/mqtt/status";
import { LIMITS } from "../../modules/facts/facts";
import { composeStack, DEVICE_LIMITS } from "../../modules/stack/stack";
import type { StackOptions } from "../../modules/stack/stack";
import { FakeDriver, MemoryStore } from "../helpers/agent-fakes";
import { makeTestPki } from "../helpers/certs";
import { MemoryTransport } from "../helpers/mqtt-memory";

function memoryStack(extra: Partial<StackOptions> = {}) {
	const clock = new VirtualClock(1_800_000_000_000);
	const links: MemoryTransport[] = [];
	const logs: string[] = [];
	const driver = new FakeDriver();
	const stack = composeStack({
		thingName: "MyDevice",
		clock,
		openTransport: (handlers) => {
			const l = new MemoryTransport(handlers);
			links.push(l);
			return l;
		},
		driver,
		store: new MemoryStore(),
		log: (m) => logs.push(m),
		random: () => 0.5,
		...extra,
	});
	const connect = () => {
		const l = links[links.length - 1];
		l.handlers.onOpen();
		l.send({ cmd: "connack", returnCode: 0, sessionPresent: false });
		clock.advance(0);
		return l;
	};
	return { clock, links, logs, driver, stack, connect };
}

const dirs: string[] = [];
afterAll(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("one composition with the device's limits", () => {
	it("applies DEVICE_LIMITS by default: 4 KB payloads, 2 in flight, reports cut to 4 KB", () => {
		const { stack, connect, driver, links } = memoryStack();
		expect(DEVICE_LIMITS).toMatchObject({ maxPayload: 4096, maxInflight: 2 });
		expect(stack.limits).toEqual(DEVICE_LIMITS);
		expect(stack.agent.settings.maxReportBytes).toBe(4096);
		stack.start(false);
		connect();
		expect(stack.client.publish("t/big", new Uint8Array(4097), 1)).toBe(STATUS.PAYLOAD_TOO_LARGE);
		for (let i = 0; i < 3; i++) stack.client.publish("t/q", new Uint8Array(1), 1);
		expect(links[0].sent("publish")).toHaveLength(2);
		for (const p of links[0].sent("publish")) links[0].send({ cmd: "puback", messageId: p.messageId });
		for (const p of links[0].sent("publish").slice(2)) links[0].send({ cmd: "puback", messageId: p.messageId });
		driver.connections = Array.from({ length: 50 }, (_, i) => ({ remoteAddr: `[2001:db8::${i}]:8883`, localPort: 40000 + i, localInterface: `interface-${i}` }));
		stack.agent.reportNow();
		const report = links[0].sent("publish").find((p) => p.topic.startsWith("$aws/things/MyDevice/defender/metrics/"));
		expect(report?.payload.length).toBeLessThanOrEqual(4096);
		expect(JSON.parse(report?.payload.toString()).met.tc.ec.t).toBe(50);
	});

	it("raises a limit only when asked", () => {
		const { stack } = memoryStack({ limits: { maxPayload: 131072, maxInflight: 4 } });
		expect(stack.limits).toMatchObject({ maxPayload: 131072, maxInflight: 4, keepAliveSeconds: 60 });
		expect(stack.agent.settings.maxReportBytes).toBe(131072);
		const past = memoryStack({ limits: { maxPayload: 1 << 20 } }).stack;
		expect(past.agent.settings.maxReportBytes).toBe(LIMITS.maxPayloadBytes);
	});

	it("hardware/host/device.ts runs under the device's limits unless raised", async () => {
		const dir = mkdtempSync(join(tmpdir(), "stack-"));
		dirs.push(dir);
		const pki = makeTestPki(join(dir, "pki"));
		const common = { thingName: "MyDevice", host: "127.0.0.1", port: 1, ca: pki.ca.cert, cert: pki.clients.MyDevice.cert, key: pki.clients.MyDevice.key, clock: new VirtualClock() };
		const device = await startDevice({ ...common, storePath: join(dir, "a.json") });
		expect(device.client.publish("t/big", new Uint8Array(5000), 1)).toBe(STATUS.PAYLOAD_TOO_LARGE);
		expect(device.agent.settings.maxReportBytes).toBe(4096);
		await device.stop();
		const raised = await startDevice({ ...common, storePath: join(dir, "b.json"), limits: { maxPayload: 131072 } });
		expect(raised.client.publish("t/big", new Uint8Array(5000), 1)).toBe(STATUS.QUEUED);
		await raised.stop();
	});
});

describe("refused subscriptions", () => {
	it("logs a refused reply or rogue SUBSCRIBE and shows it in the agent's status", () => {
		const { stack, connect, logs, clock } = memoryStack();
		stack.start(true);
		const l = connect();
		clock.advance(0);
		const subs = l.sent("subscribe");
		const topics = subs.map((s) => s.subscriptions[0].topic);
		const rogueTopic = stack.rogue?.topic ?? "no rogue";
		expect(topics).toEqual(expect.arrayContaining([stack.agent.acceptedTopic, stack.agent.rejectedTopic, rogueTopic]));
		for (const s of subs) {
			const refuse = s.subscriptions[0].topic !== stack.agent.rejectedTopic;
			l.send({ cmd: "suback", messageId: s.messageId, granted: [refuse ? 0x80 : 1] });
		}
		const status = stack.status;
		expect(status.subscribeRefused).toBe(2);
		expect([stack.agent.acceptedTopic, rogueTopic]).toContain(status.lastRefusedSubscription);
		expect(logs.filter((m) => m.includes("refused the subscription"))).toHaveLength(2);
		expect(logs.join("\n")).toContain(`refused the subscription to ${stack.agent.acceptedTopic}; report replies will not arrive`);
	});

	it("counts nothing while subscriptions are granted", () => {
		const { stack, connect, clock } = memoryStack();
		stack.start(false);
		const l = connect();
		clock.advance(0);
		for (const s of l.sent("subscribe")) l.send({ cmd: "suback", messageId: s.messageId, granted: [1] });
		expect(stack.status).toMatchObject({ subscribeRefused: 0, lastRefusedSubscription: "" });
	});

	it("checks rogue options at composition and counts rogue messages; setRogue(false) stops it", () => {
		expect(() => memoryStack({ rogueTopic: "bad/#" })).toThrow(/BadRogueOption/);
		const { stack, connect, clock } = memoryStack({ rogueTopic: "/rogue/x", roguePeriodMs: 500, limits: { keepAliveSeconds: 0 } });
		expect(stack.rogue?.topic).toBe("/rogue/x");
		stack.start(false);
		const l = connect();
		stack.setRogue(true);
		clock.advance(1000);
		l.send({ cmd: "publish", topic: "/rogue/x", payload: Buffer.from("hi"), qos: 0 });
		expect(stack.status.rogue).toMatchObject({ running: true, sent: 2, received: 1 });
		stack.setRogue(false);
		expect(stack.status.rogue.running).toBe(false);
		stack.stop();
		expect(stack.client.state).toBe("stopped");
	});
});

describe("option checks", () => {
	it("refuses a bad stableMs and a report limit past AWS IoT's", async () => {
		const { MqttClient, MqttConfigError } = await import("../../modules/mqtt/client");
		const { DefenderAgent, AgentError } = await import("../../modules/defender/defender");
		const clock = new VirtualClock();
		expect(() => new MqttClient({ clientId: "d", keepAliveSeconds: 60, clock, openTransport: () => ({ write: () => 0, close: () => {} }), maxPayload: 10, maxInflight: 1, reconnect: { minMs: 1, maxMs: 2 }, stableMs: -1 })).toThrow(MqttConfigError);
		const ports = { mqtt: { connected: false, publish: () => false, subscribe: () => {} }, sampler: { poll: () => {}, pending: (o: never) => o, acknowledge: () => {} }, driver: new FakeDriver(), clock, store: new MemoryStore() };
		expect(() => new DefenderAgent(ports, { thingName: "t", maxReportBytes: LIMITS.maxPayloadBytes + 1 })).toThrow(AgentError);
	});
});
