/*
 * The cloud broker's limits over mutual TLS (mqtt.js, and raw TLS where a client library will not write the
 * bad packet): packet size from the fixed header, publish rate, QoS 1 at most, topic rules, retained caps,
 * subscriptions per connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPacket, credentialFiles, nextPacket, publishPacket, rawConnect, subscribePacket, type RawClient } from "../helpers/broker-raw";
import { startTestCloud, until, type CloudFixture } from "../helpers/cloud-setup";

let f: CloudFixture;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const failures = (thing: string): number => f.cloud.metrics(thing)["aws:num-authorization-failures"];

beforeAll(async () => {
	f = await startTestCloud({
		allowTopics: ["/rogue/agent", "shared/${iot:ClientId}/#", "retained/#"],
		brokerLimits: { maxRetainedMessages: 3, maxRetainedBytes: 1000 },
	});
});
afterAll(async () => f.cleanup());

/** A raw mutual-TLS MQTT connection that got CONNACK 0. */
async function raw(thing: string): Promise<RawClient> {
	const c = await rawConnect(f.cloud.port, credentialFiles(f.cloud.issueThingCertificate(thing)));
	c.write(connectPacket(thing));
	expect(await nextPacket(c, "connack")).toMatchObject({ returnCode: 0 });
	return c;
}

/** True when the server closed the connection within `ms`. */
async function closedWithin(c: RawClient, ms = 4000): Promise<boolean> {
	await Promise.race([c.closed, sleep(ms)]);
	return c.isClosed();
}

function varint(n: number): Buffer {
	const out: number[] = [];
	do {
		let b = n % 128;
		n = Math.floor(n / 128);
		if (n > 0) b |= 0x80;
		out.push(b);
	} while (n > 0);
	return Buffer.from(out);
}

describe("packet size", () => {
	it("closes a connection whose PUBLISH declares 100 MB, from the fixed header alone, and counts it", async () => {
		const c = await raw("big-pub");
		c.write(Buffer.concat([Buffer.from([0x32]), varint(100 * 1024 * 1024), Buffer.from([0, 12]), Buffer.from("/rogue/agent"), Buffer.from([0, 1])]));
		expect(await closedWithin(c)).toBe(true);
		expect(c.packets.filter((p) => p.cmd === "puback")).toEqual([]);
		await until(() => failures("big-pub") === 1, "the refusal counted");
		expect(f.logs.some((l) => /big-pub: connection closed: packet of \d+ bytes .* over the limit of 131337/.test(l))).toBe(true);
	});

	it("closes a connection whose CONNECT declares 256 MB before buffering it", async () => {
		const c = await rawConnect(f.cloud.port, credentialFiles(f.cloud.issueThingCertificate("big-connect")));
		c.write(Buffer.concat([Buffer.from([0x10]), varint(256 * 1024 * 1024 - 1), Buffer.from([0, 4]), Buffer.from("MQTT")]));
		expect(await closedWithin(c)).toBe(true);
		expect(f.cloud.metrics("big-connect")["aws:num-connection-attempts"]).toBe(0);
	});

	it("accepts a 128 KB payload and refuses one byte more (connection closed, failure counted)", async () => {
		const c = await raw("payload");
		c.write(publishPacket("shared/payload/x", Buffer.alloc(131_072, 1), 1, 7));
		expect(await nextPacket(c, "puback")).toMatchObject({ messageId: 7 });
		c.write(publishPacket("shared/payload/x", Buffer.alloc(131_073, 1), 1, 8));
		expect(await closedWithin(c)).toBe(true);
		expect(c.packets.filter((p) => p.cmd === "puback")).toEqual([]);
		expect(failures("payload")).toBe(1);
	});
});

describe("publish rate", () => {
	it("drops PUBLISH packets past 100 per second (cloud clock) on one connection and logs it; the connection stays open", async () => {
		const watcher = await f.connect("rate-watch");
		await watcher.subscribeAsync("/rogue/agent", { qos: 0 });
		let seen = 0;
		watcher.on("message", () => seen++);
		const c = await raw("rate");
		c.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => publishPacket("/rogue/agent", String(i)))));
		await until(() => seen >= 100, "the first hundred");
		await sleep(500);
		// the window is the cloud's clock (virtual here, standing still): exactly 100 went through
		expect(seen).toBe(100);
		expect(f.cloud.metrics("rate")["aws:num-messages-sent"]).toBe(100);
		expect(f.logs.some((l) => /rate: over 100 publishes\/s, 1 dropped in this second/.test(l))).toBe(true);
		expect(f.logs.some((l) => /rate: over 100 publishes\/s, 200 dropped in this second/.test(l))).toBe(true);
		expect(c.isClosed()).toBe(false);
		f.clock.advance(1000);
		c.write(publishPacket("/rogue/agent", "next second"));
		await until(() => seen === 101, "a publish in the next second");
		c.end();
	});
});

describe("QoS", () => {
	it("grants QoS 1 to a QoS 2 subscription", async () => {
		const c = await f.connect("qos-sub");
		const granted = await c.subscribeAsync("shared/qos-sub/a", { qos: 2 });
		expect(granted.map((g) => g.qos)).toEqual([1]);
	});

	it("closes the connection on a QoS 2 PUBLISH (no PUBREC) and counts it", async () => {
		const c = await raw("qos-pub");
		c.write(publishPacket("shared/qos-pub/a", "x", 2, 3));
		expect(await closedWithin(c)).toBe(true);
		expect(c.packets.filter((p) => p.cmd === "pubrec")).toEqual([]);
		await until(() => failures("qos-pub") === 1, "the refusal counted");
	});
});

describe("topic rules", () => {
	const cases: [string, string][] = [
		["8 slashes", "shared/t1/1/2/3/4/5/6/7"],
		["257 bytes", `shared/t2/${"x".repeat(247)}`],
		["NUL", "shared/t3/a\u0000b"],
	];
	for (const [what, topic] of cases) {
		it(`refuses a PUBLISH topic with ${what}: connection closed, failure counted`, async () => {
			const thing = topic.split("/")[1];
			const c = await raw(thing);
			c.write(publishPacket(topic, "x", 1, 5));
			expect(await closedWithin(c)).toBe(true);
			expect(c.packets.filter((p) => p.cmd === "puback")).toEqual([]);
			expect(failures(thing)).toBe(1);
		});
	}

	it("refuses a PUBLISH topic that is not valid UTF-8", async () => {
		const c = await raw("t4");
		const topic = Buffer.concat([Buffer.from("shared/t4/"), Buffer.from([0xff, 0xfe])]);
		const body = Buffer.concat([Buffer.from([0, topic.length]), topic, Buffer.from([0, 9]), Buffer.from("x")]);
		c.write(Buffer.concat([Buffer.from([0x32, body.length]), body]));
		expect(await closedWithin(c)).toBe(true);
		expect(failures("t4")).toBe(1);
	});

	it("counts 7 slashes after the reserved $aws/things/<thing>/ prefix as allowed, 8 as refused", async () => {
		const c = await raw("t5");
		c.write(publishPacket("$aws/things/t5/1/2/3/4/5/6/7/8", "x", 1, 1));
		expect(await nextPacket(c, "puback")).toMatchObject({ messageId: 1 });
		c.write(publishPacket("$aws/things/t5/1/2/3/4/5/6/7/8/9", "x", 1, 2));
		expect(await closedWithin(c)).toBe(true);
		expect(failures("t5")).toBe(1);
	});

	it("refuses SUBSCRIBE filters breaking the rules with SUBACK 0x80 and counts them", async () => {
		const c = await raw("t6");
		c.write(subscribePacket(9, [
			{ topic: "shared/t6/1/2/3/4/5/6/7", qos: 1 },
			{ topic: `shared/t6/${"y".repeat(300)}`, qos: 0 },
			{ topic: "shared/t6/ok", qos: 1 },
		]));
		expect(await nextPacket(c, "suback")).toMatchObject({ messageId: 9, granted: [128, 128, 1] });
		expect(failures("t6")).toBe(2);
		c.end();
	});
});

describe("retained messages and subscriptions", () => {
	it("refuses retain on a reserved $aws/ topic", async () => {
		const c = await raw("ret-aws");
		c.write(publishPacket("$aws/things/ret-aws/shadow/update", "{}", 1, 4, true));
		expect(await closedWithin(c)).toBe(true);
		expect(c.packets.filter((p) => p.cmd === "puback")).toEqual([]);
		expect(failures("ret-aws")).toBe(1);
	});

	it("keeps at most 3 retained messages (option) and refuses the 4th with a log line", async () => {
		const c = await raw("ret-count");
		for (let i = 1; i <= 3; i++) {
			c.write(publishPacket(`retained/${i}`, "v", 1, i, true));
			expect(await nextPacket(c, "puback")).toMatchObject({ messageId: i });
		}
		c.write(publishPacket("retained/1", "replaced", 1, 10, true));
		expect(await nextPacket(c, "puback")).toMatchObject({ messageId: 10 });
		c.write(publishPacket("retained/4", "v", 1, 11, true));
		expect(await closedWithin(c)).toBe(true);
		expect(f.logs.some((l) => l.includes("retained message on retained/4 refused: the broker keeps at most 3 retained messages"))).toBe(true);
		// deleting one frees a place
		const d = await raw("ret-count");
		d.write(publishPacket("retained/2", "", 1, 12, true));
		expect(await nextPacket(d, "puback")).toMatchObject({ messageId: 12 });
		d.write(publishPacket("retained/4", "v", 1, 13, true));
		expect(await nextPacket(d, "puback")).toMatchObject({ messageId: 13 });
		d.end();
	});

	it("refuses a retained message past the byte cap (option)", async () => {
		const c = await raw("ret-bytes");
		c.write(publishPacket("retained/3", Buffer.alloc(1000, 1), 1, 1, true));
		expect(await closedWithin(c)).toBe(true);
		expect(f.logs.some((l) => /retained message on retained\/3 refused: \d+ retained bytes would pass the limit of 1000/.test(l))).toBe(true);
	});

	it("grants at most 50 subscriptions per connection: SUBACK 0x80 past it, counted", async () => {
		const c = await f.connect("subs");
		const filters = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`shared/subs/${i}`, { qos: 1 as const }]));
		const granted = await c.subscribeAsync(filters).catch((e: { packet: { granted: number[] } }) => e.packet.granted.map((qos) => ({ qos })));
		expect(granted.map((g) => g.qos)).toEqual([...Array(50).fill(1), 128]);
		expect(failures("subs")).toBe(1);
		await c.unsubscribeAsync("shared/subs/0");
		const again = await c.subscribeAsync("shared/subs/50", { qos: 1 });
		expect(again.map((g) => g.qos)).toEqual([1]);
	});
});
