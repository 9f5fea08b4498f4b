/*
 * MqttClient receiving: subscriptions (SUBACK success and 0x80), restored after reconnect,
 * unsubscribe, incoming QoS 0/1 (PUBACK after onMessage), QoS 2 refused, protocol errors by name,
 * oversized packets, callbacks that throw.
 */
import { describe, expect, it } from "vitest";
import { harness } from "../helpers/mqtt-memory";
import * as S from "../../modules/mqtt/status";

describe("subscribe", () => {
	it("subscribes, surfaces SUBACK 0x80, and restores subscriptions after reconnect", () => {
		const h = harness();
		expect(h.client.subscribe("a/#", 1)).toBe(S.SUCCESS);
		expect(h.client.subscribe("b", 0)).toBe(S.SUCCESS);
		expect(h.client.subscribe("b", 1)).toBe(S.SUCCESS);
		expect(h.client.subscribe("a/#/x", 0)).toBe(S.BAD_TOPIC);
		expect(h.client.subscribe("a", 2 as 1)).toBe(S.BAD_PARAMETER);
		h.client.start();
		const l = h.connect();
		const subs = l.sent("subscribe");
		expect(subs.map((s) => s.subscriptions[0])).toEqual([{ topic: "a/#", qos: 1 }, { topic: "b", qos: 1 }]);
		l.send({ cmd: "suback", messageId: subs[0].messageId, granted: [1] });
		l.send({ cmd: "suback", messageId: subs[1].messageId, granted: [128] });
		l.send({ cmd: "suback", messageId: 4242, granted: [0] });
		expect(h.subacks).toEqual([`a/# ${S.SUCCESS} 1`, `b ${S.SUBSCRIBE_REFUSED} 128`]);
		l.handlers.onError("gone");
		h.clock.advance(1000);
		expect(h.connect().sent("subscribe").map((s) => s.subscriptions[0].topic)).toEqual(["a/#", "b"]);
	});

	it("sends one SUBSCRIBE per filter after reconnect even when the application subscribes again on connect", () => {
		const h = harness();
		h.client.onState = (state) => {
			if (state === "connected") h.client.subscribe("r/+", 1);
		};
		h.client.subscribe("r/+", 1);
		h.client.start();
		const first = h.connect();
		expect(first.sent("subscribe")).toHaveLength(1);
		first.handlers.onError("gone");
		h.clock.advance(1000);
		expect(h.connect().sent("subscribe").map((s) => s.subscriptions[0])).toEqual([{ topic: "r/+", qos: 1 }]);
	});

	it("unsubscribes now when connected and drops the filter for later connections", () => {
		const h = harness();
		h.client.subscribe("a", 0);
		h.client.subscribe("c", 0);
		expect(h.client.unsubscribe("c")).toBe(S.SUCCESS);
		expect(h.client.unsubscribe("+x")).toBe(S.BAD_TOPIC);
		h.client.start();
		const l = h.connect();
		expect(h.client.unsubscribe("a")).toBe(S.SUCCESS);
		expect(l.sent("unsubscribe")[0].unsubscriptions).toEqual(["a"]);
		l.send({ cmd: "unsuback", messageId: l.sent("unsubscribe")[0].messageId });
		l.handlers.onClose();
		h.clock.advance(1000);
		expect(h.connect().sent("subscribe")).toHaveLength(0);
	});
});

describe("incoming", () => {
	it("delivers QoS 0 and 1 and acknowledges QoS 1 after onMessage", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.send({ cmd: "publish", topic: "x/y", payload: Buffer.from("hello"), qos: 0 });
		l.send({ cmd: "publish", topic: "x/y", payload: Buffer.from("again"), qos: 1, messageId: 17 });
		expect(h.messages).toEqual([{ topic: "x/y", text: "hello", qos: 0 }, { topic: "x/y", text: "again", qos: 1 }]);
		expect(l.sent("puback")).toEqual([expect.objectContaining({ messageId: 17 })]);
		expect(h.client.stats).toMatchObject({ messagesIn: 2, bytesIn: 4 + 12 + 14 });
	});

	it("queues PUBACKs while the transport is full and sends them first", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.accept = 0;
		h.client.publish("t", new Uint8Array(200), 0);
		for (let id = 1; id <= 3; id++) l.send({ cmd: "publish", topic: "in", payload: Buffer.from("p"), qos: 1, messageId: id });
		l.accept = Infinity;
		l.handlers.onWritable();
		expect(l.sent("puback").map((p) => p.messageId)).toEqual([1, 2, 3]);
	});

	it("drops the link when PUBACKs back up past the limit", () => {
		const h = harness({ maxPayload: 300 });
		h.client.start();
		const l = h.connect();
		l.accept = 0;
		expect(h.client.publish("x".repeat(256), new Uint8Array(300), 0)).toBe(S.SUCCESS);
		for (let id = 1; id <= 70; id++) l.send({ cmd: "publish", topic: "in", payload: Buffer.from("p"), qos: 1, messageId: id });
		expect(h.client.reason).toBe("TX_BUSY: acknowledgements backed up");
	});

	const fatal: [string, Record<string, unknown> | number[], string][] = [
		["a QoS 2 PUBLISH", { cmd: "publish", topic: "t", payload: Buffer.from("x"), qos: 2, messageId: 3 }, "QOS2_UNSUPPORTED"],
		["a PUBREC", { cmd: "pubrec", messageId: 3 }, "QOS2_UNSUPPORTED"],
		["a second CONNACK", { cmd: "connack", returnCode: 0 }, "UNEXPECTED_PACKET: second CONNACK"],
		["a malformed packet", [0x40, 3, 0, 1, 0], "BAD_LENGTH"],
		["a payload above maxPayload", { cmd: "publish", topic: "t", payload: Buffer.alloc(257), qos: 0 }, "PAYLOAD_TOO_LARGE"],
		["a packet above the receive maximum", { cmd: "publish", topic: "t", payload: Buffer.alloc(600), qos: 0 }, "PACKET_TOO_LARGE"],
	];
	for (const [what, packet, reason] of fatal) {
		it(`drops the link on ${what} with ${reason.split(":")[0]}`, () => {
			const h = harness();
			h.client.start();
			const l = h.connect();
			l.send(packet);
			expect(h.client.state).toBe("waiting");
			expect(h.client.reason).toBe(reason);
			expect(l.closed).toBe(true);
		});
	}

	it("refuses any packet before CONNACK", () => {
		const h = harness();
		h.client.start();
		h.link().handlers.onOpen();
		h.link().send({ cmd: "pingresp" });
		expect(h.client.reason).toBe("UNEXPECTED_PACKET: before CONNACK");
	});

	it("stops reading a chunk once a packet in it dropped the link", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.send([0x50, 2, 0, 1, 0x30, 3, 0, 1, 0x74]);
		expect(h.messages).toHaveLength(0);
	});

	it("catches exceptions thrown by callbacks and logs them", () => {
		const h = harness();
		h.client.onMessage = () => {
			throw new Error("app bug");
		};
		h.client.start();
		const l = h.connect();
		l.send({ cmd: "publish", topic: "t", payload: Buffer.from("x"), qos: 1, messageId: 5 });
		expect(h.logs).toContain("mqtt: callback threw: Error: app bug");
		expect(l.sent("puback")).toHaveLength(1);
		expect(h.client.connected).toBe(true);
	});
});
