import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevice } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { startResponderRig } from "../helpers/agent-responder";
import type { ResponderRig } from "../helpers/agent-responder";
import { realUntil, running } from "../helpers/agent-e2e";

let rig: ResponderRig;

beforeAll(async () => {
	rig = await startResponderRig("agent-rogue-");
});

afterAll(async () => {
	await rig?.close();
});

describe("rogue mode on the host", () => {
	it("every message and byte rogue mode counts is what the broker delivered, and its own echo comes back", async () => {
		const { pki, broker } = rig;
		const watcher = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, { ca: pki.ca.cert, cert: pki.clients.responder.cert, key: pki.clients.responder.key, rejectUnauthorized: true });
		const seen = { messages: 0, bytes: 0, bad: 0 };
		watcher.on("message", (_topic, payload) => {
			seen.messages++;
			seen.bytes += payload.length;
			if (!/^\{"message":"[A-Z0-9]{100}"\}$/.test(payload.toString())) seen.bad++;
		});
		await watcher.subscribeAsync("/rogue/agent", { qos: 0 });
		const clock = new VirtualClock();
		const device = await startDevice({
			...rig.connection(), clock, storePath: join(rig.dir, "store.json"),
		});
		try {
			await clock.runUntil(() => device.client.connected, 60_000, running(device));
			device.setRogue(true);
			await clock.runFor(90_000, running(device));
			device.setRogue(false);
			const rogue = device.status.rogue;
			expect(rogue.sent).toBe(90);
			await realUntil(() => seen.messages >= rogue.sent && rogue.received >= rogue.sent, 10_000, "the broker to deliver every rogue message");
			expect(seen).toEqual({ messages: rogue.sent, bytes: rogue.sentBytes, bad: 0 });
			expect(rogue.received).toBe(rogue.sent);
			expect(rogue.receivedBytes).toBe(rogue.sentBytes);
			const totals = new Float64Array(4);
			device.driver.read(totals);
			expect(totals[1]).toBeGreaterThan(rogue.sentBytes);
			expect(totals[0]).toBeGreaterThan(rogue.receivedBytes);
		} finally {
			await device.stop();
			await watcher.endAsync(true);
		}
	});
});
