/*
 * MqttClient edge paths: a full transmit buffer while subscribing, stopping or pinging, a write
 * that fails mid-pump, a keep-alive timer that fires after traffic moved the deadline, and
 * partial writes followed by new packets (buffer compaction).
 */
import { describe, expect, it } from "vitest";
import { harness, text } from "../helpers/mqtt-memory";
import { publishSize } from "../../modules/mqtt/encode";
import * as S from "../../modules/mqtt/status";

const LONG = "x".repeat(256);

describe("edges", () => {
	it("sends a SUBSCRIBE made while the buffer was full once the transport drains", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.accept = 0;
		h.client.publish(LONG, new Uint8Array(256), 0);
		expect(h.client.subscribe("s", 1)).toBe(S.SUCCESS);
		expect(l.sent("subscribe")).toHaveLength(0);
		l.accept = Infinity;
		l.handlers.onWritable();
		expect(l.sent("subscribe")).toHaveLength(1);
	});

	it("closes without DISCONNECT when the buffer is full at stop()", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.accept = 0;
		h.client.publish(LONG, new Uint8Array(256), 0);
		h.client.stop();
		expect(l.closed).toBe(true);
		expect(l.sent("disconnect")).toHaveLength(0);
	});

	it("drops the link when a write fails while the pump retries", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.accept = 0;
		h.client.publish(LONG, new Uint8Array(256), 0);
		h.client.publish("q", text("1"), 1);
		l.accept = -1;
		l.handlers.onWritable();
		expect(h.client.reason).toBe("TRANSPORT_ERROR: write failed");
	});

	it("drops the link when the PINGREQ write fails", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.accept = -1;
		h.clock.advance(45_000);
		expect(h.client.reason).toBe("TRANSPORT_ERROR: write failed");
	});

	it("re-arms without pinging when traffic moved the deadline", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		h.clock.advance(40_000);
		h.client.publish("t", text("x"), 0);
		l.send({ cmd: "publish", topic: "t", payload: Buffer.from("y"), qos: 0 });
		h.clock.advance(5_000);
		expect(l.sent("pingreq")).toHaveLength(0);
		h.clock.advance(40_000);
		expect(l.sent("pingreq")).toHaveLength(1);
	});

	it("moves unsent bytes to the front before encoding after a partial write", () => {
		const h = harness();
		h.client.start();
		const l = h.connect();
		l.accept = 3;
		h.client.publish("a", text("first"), 0);
		h.client.publish("b", text("second"), 0);
		l.accept = Infinity;
		l.handlers.onWritable();
		expect(l.sent("publish").map((p) => p.payload.toString())).toEqual(["first", "second"]);
	});

	it("sizes QoS 0 and QoS 1 PUBLISH packets", () => {
		expect(publishSize(3, 10, 0)).toBe(2 + 2 + 3 + 10);
		expect(publishSize(3, 200, 1)).toBe(3 + 2 + 3 + 2 + 200);
	});
});

describe("stop() from inside onState", () => {
	it("stays stopped when stopped on 'connecting' or on 'waiting'", () => {
		for (const when of ["connecting", "waiting"]) {
			const h = harness();
			h.client.onState = (s) => {
				if (s === when) h.client.stop();
			};
			h.client.start();
			h.link()?.handlers.onError("refused");
			h.clock.advance(100_000);
			expect(h.client.state).toBe("stopped");
			expect(h.links.length).toBeLessThanOrEqual(1);
		}
	});
});
