/*
 * The cloud broker over mutual TLS: authorization holds for every delivered message (restored persistent
 * sessions included) and nothing is authorized or counted for a CONNECT that is refused.
 */
import { readFileSync } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialFiles, encode, publishPacket } from "../helpers/broker-raw";
import { relayedTls } from "../helpers/broker-relay";
import { startTestCloud, until, type CloudFixture } from "../helpers/cloud-setup";

let f: CloudFixture;
const report = (rid: number): string => JSON.stringify({ hed: { rid, v: "1.0" }, met: { ns: { bi: 1, bo: 2, pi: 3, po: 4 } } });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
	f = await startTestCloud({ allowTopics: ["/rogue/agent", "shared/${iot:ClientId}/#"], minReportIntervalSeconds: 0 });
});
afterAll(async () => f.cleanup());

function persistent(thing: string): Promise<MqttClient> {
	const files = f.cloud.issueThingCertificate(thing);
	const c = mqtt.connect({ host: "127.0.0.1", port: f.cloud.port, protocol: "mqtts", clientId: thing, clean: false, ca: readFileSync(files.caPem), cert: readFileSync(files.certPem), key: readFileSync(files.keyPem), reconnectPeriod: 0, connectTimeout: 5000 });
	return new Promise((resolve, reject) => {
		c.once("connect", () => resolve(c));
		c.once("error", reject);
	});
}

describe("persistent sessions", () => {
	it("a refused filter is not stored: the restored session receives nothing of other things", async () => {
		const spy = await persistent("spy");
		const granted = await spy.subscribeAsync({ "/rogue/agent": { qos: 1 }, "#": { qos: 1 } }).catch((e: { packet: { granted: number[] } }) => e.packet.granted);
		expect(granted.map((g) => (typeof g === "number" ? g : g.qos))).toEqual([1, 128]);
		await spy.endAsync();
		// while the spy is offline, another thing reports and talks on its own topics
		const victim = await f.connect("victim");
		await victim.subscribeAsync("$aws/things/victim/defender/metrics/json/+", { qos: 1 });
		const accepted = new Promise<void>((r) => victim.once("message", () => r()));
		await victim.publishAsync("$aws/things/victim/defender/metrics/json", report(1), { qos: 1 });
		await victim.publishAsync("shared/victim/x", "private", { qos: 1 });
		await accepted;
		const back = await persistent("spy");
		const got: string[] = [];
		back.on("message", (t) => got.push(t));
		await f.connect("sender").then((s) => s.publishAsync("/rogue/agent", "for everyone", { qos: 1 }));
		await until(() => got.includes("/rogue/agent"), "a message the spy may receive");
		await sleep(200);
		expect(got).toEqual(["/rogue/agent"]);
		expect(f.cloud.metrics("spy")["aws:num-messages-received"]).toBe(1);
		back.end(true);
	});

	it("a restored session still gets the messages queued on its granted filters", async () => {
		const a = await persistent("keeper");
		await a.subscribeAsync("/rogue/agent", { qos: 1 });
		await a.endAsync();
		await f.connect("writer").then((w) => w.publishAsync("/rogue/agent", "kept", { qos: 1 }));
		const back = await persistent("keeper");
		const got: string[] = [];
		back.on("message", (t, p) => got.push(`${t}=${p.toString()}`));
		await until(() => got.length === 1, "the queued message");
		expect(got).toEqual(["/rogue/agent=kept"]);
		back.end(true);
	});
});

describe("packets sent after a CONNECT that is refused", () => {
	it("are never authorized, counted or evaluated (even when read before the CONNECT is checked)", async () => {
		const watcher = await f.connect("watcher");
		await watcher.subscribeAsync("/rogue/agent", { qos: 0 });
		let seen = 0;
		watcher.on("message", () => seen++);
		const cred = credentialFiles(f.cloud.issueThingCertificate("dev-pipelined"));
		// calibrate: the ciphertext of a CONNECT so the next one is exactly one 64 KiB socket read of the broker
		const probe = await relayedTls(f.cloud.port, cred);
		probe.hold();
		const padded = (n: number): Buffer => encode({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: "wrong-id", keepalive: 60, username: "u", password: Buffer.alloc(n, 0x61) } as never);
		const base = padded(60_000);
		probe.tls.write(base);
		await until(() => probe.heldBytes() > base.length, "ciphertext");
		await sleep(50);
		const overhead = probe.heldBytes() - base.length;
		probe.tls.destroy();
		const connect = padded(60_000 + (65_536 - overhead - base.length));
		const after = Buffer.concat([publishPacket("/rogue/agent", "pipelined"), publishPacket("$aws/things/wrong-id/defender/metrics/json", report(7))]);
		for (let attempt = 0; attempt < 5; attempt++) {
			const c = await relayedTls(f.cloud.port, cred);
			c.hold();
			c.tls.write(connect);
			await until(() => c.heldBytes() >= connect.length + overhead, "ciphertext of the CONNECT");
			await sleep(20);
			expect(c.heldBytes()).toBe(65_536);
			c.tls.write(after);
			await until(() => c.heldBytes() > 65_536, "ciphertext of the publishes");
			await sleep(20);
			c.flush();
			await c.closed;
		}
		await sleep(300);
		expect(seen).toBe(0);
		for (const thing of ["null", "wrong-id", "dev-pipelined"]) {
			expect(f.cloud.metrics(thing)).toMatchObject({ "aws:num-messages-sent": 0, reportsAccepted: 0, reportsRejected: 0 });
		}
		expect(f.cloud.metrics("dev-pipelined")["aws:num-connection-attempts"]).toBe(5);
		expect(f.logs.filter((l) => l.includes("/rogue/agent"))).toEqual([]);
	});
});
