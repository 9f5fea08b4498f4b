/*
 * Report validation through the real cloud: every case of test/fixtures/report-cases.ts is published by
 * mqtt.js over mutual TLS on $aws/things/<thing>/defender/metrics/<json|cbor>, and the reply that comes
 * back on …/accepted or …/rejected is checked exactly (CBOR: preferred serialization, integers only).
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_CASES, type ReportCase } from "../fixtures/report-cases";
import { startTestCloud, type CloudFixture } from "../helpers/cloud-setup";
import { decodeReply, expectedReply } from "../helpers/report-replies";

/** One thing per format: the report-id gate is per thing, and both formats have an accepted case with id 2^53-1. */
const THINGS = { json: "validator-json", cbor: "validator-cbor" } as const;
const MIN5 = 300_000;
let f: CloudFixture;
const clients = new Map<string, MqttClient>();

beforeAll(async () => {
	f = await startTestCloud();
	for (const format of ["json", "cbor"] as const) {
		const client = await f.connect(THINGS[format]);
		await client.subscribeAsync([`$aws/things/${THINGS[format]}/defender/metrics/${format}/+`], { qos: 1 });
		clients.set(format, client);
	}
}, 60_000);

afterAll(async () => {
	await f?.cleanup();
});

/** Publishes and resolves with the first reply of that format (bounded: rejects after 10 s real time). */
function publishAndReply(c: ReportCase): Promise<{ topic: string; payload: Buffer }> {
	const thing = THINGS[c.format];
	const prefix = `$aws/things/${thing}/defender/metrics/${c.format}/`;
	const client = clients.get(c.format);
	if (!client) throw new Error(`no client for ${c.format}`);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			client.off("message", on);
			reject(new Error(`no reply to ${c.name} (${c.format})`));
		}, 10_000);
		const on = (topic: string, payload: Buffer): void => {
			if (!topic.startsWith(prefix)) return;
			clearTimeout(timer);
			client.off("message", on);
			resolve({ topic, payload });
		};
		client.on("message", on);
		client.publish(`$aws/things/${thing}/defender/metrics/${c.format}`, Buffer.from(c.payload), { qos: 1 });
	});
}

describe("report validation through the broker (mutual TLS, mqtt.js)", () => {
	it.each(ALL_CASES.map((c) => [`${c.verdict} (${c.format}): ${c.name}`, c] as const))("%s", async (_t, c) => {
		f.clock.advance(MIN5); // an accepted case must never be throttled by the previous one
		const { topic, payload } = await publishAndReply(c);
		expect(topic).toBe(`$aws/things/${THINGS[c.format]}/defender/metrics/${c.format}/${c.verdict}`);
		const body = decodeReply(c.format, payload);
		const expected = expectedReply(c, THINGS[c.format], f.clock.now());
		expect(body).toEqual(expected);
		expect(Object.keys(body).sort()).toEqual(Object.keys(expected).sort());
	});
});
