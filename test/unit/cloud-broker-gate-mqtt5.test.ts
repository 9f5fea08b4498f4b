/* The packet gate's answer to an MQTT 5 CONNECT (the embedded broker speaks MQTT 3.1.1 only; issue 12). */
import mqttPacket, { type Packet } from "mqtt-packet";
import { describe, expect, it } from "vitest";
import { resolveLimits } from "../../cloud/broker/limits";
import { connectProtocolLevel, MQTT5_CONNACK_UNSUPPORTED, PacketGate } from "../../cloud/broker/packet-gate";
import { connectPacket } from "../helpers/broker-raw";

const v5Connect = (): Buffer =>
	mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clean: true, clientId: "a", keepalive: 60, properties: { sessionExpiryInterval: 10 } } as Packet);

function gate(): { g: PacketGate; refusals: { reason: string; reply?: Buffer }[] } {
	const refusals: { reason: string; reply?: Buffer }[] = [];
	const g = new PacketGate(resolveLimits({}), { refuse: (reason, reply) => refusals.push({ reason, reply }), throttled: () => undefined });
	return { g, refusals };
}

/** Decodes `bytes` as an MQTT 5 peer would. */
function parseV5(bytes: Buffer): Packet[] {
	const parser = mqttPacket.parser({ protocolVersion: 5 });
	const out: Packet[] = [];
	parser.on("packet", (p) => out.push(p));
	parser.on("error", (e) => {
		throw e;
	});
	parser.parse(bytes);
	return out;
}

describe("PacketGate and MQTT 5", () => {
	it("reads the protocol level of a CONNECT", () => {
		expect(connectProtocolLevel(connectPacket("a"))).toBe(4);
		expect(connectProtocolLevel(v5Connect())).toBe(5);
		expect(connectProtocolLevel(Buffer.from([0x10, 0x02, 0x00]))).toBeUndefined();
	});

	it("answers an MQTT 5 CONNECT with an MQTT 5 CONNACK 0x84 and forwards nothing", () => {
		const t = gate();
		expect(t.g.feed(Buffer.concat([v5Connect(), Buffer.from([0xc0, 0x00])]))).toEqual([]);
		expect(t.g.state).toBe("closed");
		expect(t.refusals).toHaveLength(1);
		expect(t.refusals[0].reason).toContain("mosquitto-conf --plugin");
		const reply = t.refusals[0].reply;
		expect(reply).toEqual(MQTT5_CONNACK_UNSUPPORTED);
		const [connack] = parseV5(reply ?? Buffer.alloc(0));
		expect(connack).toMatchObject({ cmd: "connack", reasonCode: 0x84, sessionPresent: false });
	});

	it("passes an MQTT 3.1.1 CONNECT to the broker", () => {
		const t = gate();
		const p = connectPacket("a");
		expect(t.g.feed(p)).toEqual([p]);
		expect(t.refusals).toEqual([]);
	});

	it("leaves a CONNECT too short to carry a level to the MQTT parser", () => {
		const t = gate();
		expect(t.g.feed(Buffer.from([0x10, 0x02, 0x00, 0x04]))).toHaveLength(1);
		expect(t.refusals).toEqual([]);
	});
});
