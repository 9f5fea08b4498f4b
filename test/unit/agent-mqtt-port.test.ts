/*
 * agent-mqtt-port — portOf(client), the agent's and rogue mode's view of the MQTT client shared by
 * main.ts and hardware/host/device.ts: connected follows the client, a publish counts as done when
 * the client sent or queued it, subscribe passes through.
 */
import { describe, expect, it } from "vitest";
import { portOf } from "../../modules/defender/defender";
import { harness } from "../helpers/mqtt-memory";

describe("portOf", () => {
	it("follows the client's connection, and publish is true only for SUCCESS or QUEUED", () => {
		const h = harness();
		const port = portOf(h.client);
		expect(port.connected).toBe(false);
		expect(port.publish("t", new Uint8Array(1), 0)).toBe(false);
		expect(port.publish("t", new Uint8Array(1), 1)).toBe(true);
		h.client.start();
		const l = h.connect();
		expect(port.connected).toBe(true);
		expect(port.publish("t", new Uint8Array(2), 0)).toBe(true);
		expect(port.publish("a/+", new Uint8Array(2), 0)).toBe(false);
		port.subscribe("s/#", 1);
		expect(l.sent("subscribe")[0].subscriptions).toEqual([{ topic: "s/#", qos: 1 }]);
	});
});
