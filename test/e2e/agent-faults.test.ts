import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevice } from "../../hardware/host/device";
import type { Device } from "../../hardware/host/device";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { startResponderRig } from "../helpers/agent-responder";
import type { ResponderRig } from "../helpers/agent-responder";
import { expectConserved, realUntil, running } from "../helpers/agent-e2e";

const LIFETIMES = 4;
const BROKER_RESTARTS_PER_LIFETIME = 5;
const REJECTIONS = 5;

let rig: ResponderRig;

beforeAll(async () => {
	rig = await startResponderRig("agent-faults-");
});

afterAll(async () => {
	await rig?.close();
});

/** A small deterministic random source (Park–Miller). */
function lcg(seed: number): () => number {
	let s = seed;
	return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

describe("agent fault run (virtual time, real mosquitto)", () => {
	it("20 broker restarts, 5 rejected reports, 3 agent restarts: bytes conserved, report ids strictly increasing", { timeout: 180_000 }, async () => {
		const clock = new VirtualClock();
		const random = lcg(7);
		const { broker, responder } = rig;
		const storePath = join(rig.dir, "device.json");
		let seen = 0;
		let rejectedByCloud = 0;
		responder.decide = (r) => {
			// a report the broker delivers twice (a QoS 1 retransmission across a restart) gets the same answer:
			// the device takes the first reply for its id, so a second verdict would be counted here and never there
			const before = responder.answered.get(r.id);
			if (before === "ACCEPTED") return { status: "ACCEPTED" };
			if (before === "REJECTED") return { status: "REJECTED", code: "Throttled" };
			seen++;
			if (seen % 3 !== 0 || rejectedByCloud >= REJECTIONS) return { status: "ACCEPTED" };
			rejectedByCloud++;
			return { status: "REJECTED", code: rejectedByCloud % 2 ? "InvalidPayload" : "Throttled" };
		};
		let restarts = 0;
		let agentRejected = 0;
		let accepted = 0;
		let offline = 0;
		const idsSent: number[] = [];
		for (let life = 0; life < LIFETIMES; life++) {
			if (life === 2) clock.setWall(clock.now() - 86_400_000);
			const device: Device = await startDevice({
				...rig.connection(),
				format: life % 2 ? "cbor" : "json-short", clock, storePath, rogue: true, random,
			});
			const acceptedIds: number[] = [];
			device.agent.onOutcome = (state, id) => state === "ACCEPTED" && acceptedIds.push(id);
			const run = running(device, 0);
			const idle = () => clock.runUntil(() => !device.status.awaitingReply && device.client.connected, 300_000, run);
			try {
				for (let b = 0; b < BROKER_RESTARTS_PER_LIFETIME; b++) {
					await clock.runFor(Math.round(150_000 + random() * 400_000), run);
					await idle();
					await broker.stop();
					await realUntil(() => !device.client.connected, 5000, "the device to see the broker go");
					await clock.runFor(Math.round(20_000 + random() * 300_000), run);
					await broker.restart();
					restarts++;
					await realUntil(() => responder.ready, 5000, "the responder to subscribe again");
				}
				const target = device.status.accepted + 1;
				await clock.runUntil(() => device.status.accepted >= target, 1_000_000, run);
				await idle();
				const bytes = new Map(responder.reports.map((r) => [r.id, r.bytesOut]));
				const sum = acceptedIds.reduce((a, id) => a + (bytes.get(id) as number), 0);
				expect(sum).toBeGreaterThan(0);
				expectConserved(device, sum, clock.ticks());
				expect(device.status.sent).toBe(device.status.accepted + device.status.rejected + device.status.timedOut);
				agentRejected += device.status.rejected;
				offline += device.status.skippedOffline + device.status.timedOut;
				accepted += device.status.accepted;
				// a report the broker received twice (a QoS 1 retransmission across a restart) counts once
				idsSent.push(...new Set(responder.reports.map((r) => r.id).filter((id) => !idsSent.includes(id))));
			} finally {
				await device.stop();
			}
		}
		expect(restarts).toBe(LIFETIMES * BROKER_RESTARTS_PER_LIFETIME);
		expect(rejectedByCloud).toBe(REJECTIONS);
		expect(agentRejected).toBe(REJECTIONS);
		expect(accepted).toBeGreaterThan(LIFETIMES * 3);
		expect(offline).toBeGreaterThan(0);
		for (let i = 1; i < idsSent.length; i++) expect(idsSent[i]).toBeGreaterThan(idsSent[i - 1]);
	});
});
