/*
 * Topics that change between packets (the codec's topic caches miss): the encoder's allocation-free ASCII
 * path and the parser's ASCII decode give the same bytes and topics as mqtt-packet, for repeated,
 * alternating, unique and non-ASCII topics in any order, and a refused topic never poisons the cache.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import { encodePublish } from "../../modules/mqtt/encode";
import { MqttParser } from "../../modules/mqtt/parser";
import { BAD_TOPIC } from "../../modules/mqtt/status";

const out = new Uint8Array(1024);
const payload = new Uint8Array([1, 2, 3]);

function peerBytes(topic: string, id: number): number[] {
	return Array.from(mqttPacket.generate({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, messageId: id, dup: false, retain: false }));
}

function publishBytes(topic: string): Uint8Array {
	const b = Buffer.from(topic, "utf8");
	return Uint8Array.from([0x30, 2 + b.length, b.length >> 8, b.length & 0xff, ...b]);
}

const TOPICS = ["a/b", "$aws/things/T1/defender/metrics/json", "$aws/things/T2/defender/metrics/json", "ünï/cödé", "x", "a/b/c/d/e/f/g/h/i"];

describe("MQTT codec with changing topics", () => {
	it("encodes and parses any sequence of repeated, alternating and non-ASCII topics like mqtt-packet", () => {
		const parser = new MqttParser(1024);
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...TOPICS), { minLength: 1, maxLength: 30 }), (topics) => {
				topics.forEach((topic, i) => {
					const end = encodePublish(out, 0, topic, payload, 1, i + 1, false, false);
					expect(Array.from(out.subarray(0, end))).toEqual(peerBytes(topic, i + 1));
					parser.feed(out.subarray(0, end));
					expect(parser.next()?.topic).toBe(topic);
				});
			}),
			{ numRuns: 200 },
		);
	});

	it("refuses a wildcard or empty topic on the fast path as before", () => {
		expect(encodePublish(out, 0, "a/+/b", payload, 1, 1, false, false)).toBe(-BAD_TOPIC);
		expect(encodePublish(out, 0, "a/#", payload, 0, 0, false, false)).toBe(-BAD_TOPIC);
		expect(encodePublish(out, 0, "", payload, 0, 0, false, false)).toBe(-BAD_TOPIC);
	});

	it("a refused topic of the cached topic's length does not leave part of itself in the cache", () => {
		const parser = new MqttParser(1024);
		parser.feed(publishBytes("abcdefgh"));
		expect(parser.next()?.topic).toBe("abcdefgh");
		parser.feed(publishBytes("wxyz+fgh"));
		expect(parser.next()).toBeNull();
		expect(parser.status).toBe(BAD_TOPIC);
		parser.reset();
		parser.feed(publishBytes("wxyzefgh"));
		expect(parser.next()?.topic).toBe("wxyzefgh");
	});
});
