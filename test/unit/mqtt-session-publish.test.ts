/*
 * MqttClient publishing: QoS 0/1 statuses, PUBACK, the bounded in-flight window and queue, DUP
 * retransmission on reconnect, partial writes and TX_BUSY, and every refusal by name.
 */
import { describe, expect, it } from "vitest";
import { harness, text } from "../helpers/mqtt-memory";
import * as S from "../../modules/mqtt/status";

describe("publish", () => {
	it("sends QoS 0 and QoS 1, and reports the PUBACK", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		expect(h.client.publish("a/b", text("zero"), 0, true)).toBe(S.SUCCESS);
		expect(h.client.publish("a/b", text("one"), 1)).toBe(S.SUCCESS);
		const id = h.client.lastPacketId;
		expect(l.sent("publish").map((p) => [p.topic, p.payload.toString(), p.qos, p.retain, p.messageId])).toEqual([["a/b", "zero", 0, true, undefined], ["a/b", "one", 1, false, id]]);
		l.send({ cmd: "puback", messageId: id });
		l.send({ cmd: "puback", messageId: 999 });
		expect(h.published).toEqual([id]);
		expect(h.client.stats).toMatchObject({ messagesOut: 2, acked: 1, bytesOut: l.bytes, refused: 0 });
	});

	it("refuses by name: offline QoS 0, bad topic, bad QoS, payload too large, queue full", () => {
		const h = harness();
		expect(h.client.publish("t", text("x"), 0)).toBe(S.NOT_CONNECTED);
		expect(h.client.publish("t/#", text("x"), 1)).toBe(S.BAD_TOPIC);
		expect(h.client.publish("t", text("x"), 2 as 1)).toBe(S.BAD_PARAMETER);
		expect(h.client.publish("t", new Uint8Array(257), 1)).toBe(S.PAYLOAD_TOO_LARGE);
		for (let i = 0; i < 4; i++) expect(h.client.publish("t", text(`${i}`), 1)).toBe(S.QUEUED);
		expect(h.client.publish("t", text("5"), 1)).toBe(S.QUEUE_FULL);
		expect(h.client.stats.refused).toBe(5);
		expect(h.client.queued).toBe(4);
	});

	it("keeps at most maxInflight unacknowledged, sends the rest as PUBACKs arrive", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		const st = [1, 2, 3, 4].map((i) => h.client.publish("t", text(`m${i}`), 1));
		expect(st).toEqual([S.SUCCESS, S.SUCCESS, S.QUEUED, S.QUEUED]);
		expect(l.sent("publish")).toHaveLength(2);
		l.send({ cmd: "puback", messageId: l.sent("publish")[1].messageId });
		expect(l.sent("publish").map((p) => p.payload.toString())).toEqual(["m1", "m2", "m3"]);
	});

	it("copies the payload: the caller may reuse its buffer", () => {
		const h = harness();
		const buf = text("aaa");
		h.client.publish("t", buf, 1);
		buf.fill(0x62);
		h.client.start();
		expect(h.connect().sent("publish")[0].payload.toString()).toBe("aaa");
	});

	it("retransmits unacknowledged messages with DUP and the same id after reconnect, in order", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		h.client.publish("t", text("a"), 1);
		h.client.publish("t", text("b"), 1);
		h.client.publish("t", text("c"), 1);
		const ids = l.sent("publish").map((p) => p.messageId);
		l.handlers.onClose();
		h.clock.advance(1000);
		const l2 = h.connect();
		expect(l2.sent("publish").map((p) => [p.payload.toString(), p.dup, p.messageId])).toEqual([["a", true, ids[0]], ["b", true, ids[1]]]);
		l2.send({ cmd: "puback", messageId: ids[0] });
		expect(l2.sent("publish")[2]).toMatchObject({ dup: false, qos: 1 });
		expect(h.client.stats.retransmits).toBe(2);
	});

	it("holds bytes the transport did not take until onWritable, and answers TX_BUSY when full", () => {
		const h = harness({ maxPayload: 40 });
		h.client.start();
		const l = h.link();
		l.accept = 5;
		l.handlers.onOpen();
		expect(l.bytes).toBe(5);
		l.accept = 0;
		l.handlers.onWritable();
		l.accept = Infinity;
		l.handlers.onWritable();
		expect(l.sent("connect")).toHaveLength(1);
		l.send({ cmd: "connack", returnCode: 0 });
		l.accept = 0;
		const big = new Uint8Array(40);
		const long = "x".repeat(256);
		expect(h.client.publish(long, big, 0)).toBe(S.SUCCESS);
		expect(h.client.publish(long, big, 0)).toBe(S.TX_BUSY);
		expect(h.client.publish(long, big, 1)).toBe(S.QUEUED);
		l.accept = Infinity;
		l.handlers.onWritable();
		expect(l.sent("publish").map((p) => p.qos)).toEqual([0, 1]);
	});

	it("flushes and retries when the buffer is full but the transport takes everything", () => {
		const h = harness({ maxPayload: 40 });
		h.client.start();
		const l = h.connect();
		const long = "x".repeat(256);
		l.accept = 0;
		h.client.publish(long, new Uint8Array(40), 0);
		l.accept = Infinity;
		expect(h.client.publish(long, new Uint8Array(40), 0)).toBe(S.SUCCESS);
		expect(l.sent("publish")).toHaveLength(2);
	});
});
