/*
 * A raw-socket fuzz of the cloud broker after the mutual-TLS handshake: garbage bytes, absurd remaining
 * lengths, truncated and oversized packets, random mutations of valid packet sequences, written in random
 * chunks. Seeded and bounded (FUZZ_CASES, default 240). The broker must not throw (vitest fails the run on an
 * uncaught error), must close or keep each connection without hanging, and must keep serving an honest
 * client: checked every 40 cases and at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPacket, credentialFiles, nextPacket, publishPacket, rawConnect, subscribePacket, type RawClient, type RawCredential } from "../helpers/broker-raw";
import { startTestCloud, type CloudFixture } from "../helpers/cloud-setup";
import { rng } from "../helpers/mqtt-fuzz";

const CASES = Number(process.env.FUZZ_CASES ?? 240);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const PARALLEL = 4;

let f: CloudFixture;
let fuzzer: RawCredential;
let honestCred: RawCredential;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
	f = await startTestCloud({ allowTopics: ["/rogue/agent", "shared/${iot:ClientId}/#"], minReportIntervalSeconds: 0 });
	fuzzer = credentialFiles(f.cloud.issueThingCertificate("fuzz"));
	honestCred = credentialFiles(f.cloud.issueThingCertificate("honest"));
});
afterAll(async () => f.cleanup());

const report = JSON.stringify({ hed: { rid: 1, v: "1.0" }, met: { ns: { bi: 1, bo: 2, pi: 3, po: 4 } } });

function validSequence(): Buffer {
	return Buffer.concat([
		connectPacket("fuzz"),
		subscribePacket(1, [{ topic: "shared/fuzz/#", qos: 1 }, { topic: "$aws/things/fuzz/defender/metrics/json/+", qos: 0 }]),
		publishPacket("shared/fuzz/a", "hello", 1, 2),
		publishPacket("$aws/things/fuzz/defender/metrics/json", report, 1, 3),
		Buffer.from([0xc0, 0x00]), // PINGREQ
		Buffer.from([0xe0, 0x00]), // DISCONNECT
	]);
}

type Make = (r: () => number) => Buffer;

const KINDS: [string, Make][] = [
	["garbage", (r) => Buffer.from(Array.from({ length: 1 + (r() % 300) }, () => r() & 0xff))],
	["connect then garbage", (r) => Buffer.concat([connectPacket("fuzz"), Buffer.from(Array.from({ length: 1 + (r() % 200) }, () => r() & 0xff))])],
	["absurd length", (r) => Buffer.concat([Buffer.from([(r() & 0xf0) | (r() & 0x0f), 0xff, 0xff, 0xff, r() % 2 ? 0x7f : 0xff]), Buffer.alloc(r() % 64, 7)])],
	["connect then absurd length", (r) => Buffer.concat([connectPacket("fuzz"), Buffer.from([(1 + (r() % 14)) << 4, 0xff, 0xff, 0xff, 0x7f])])],
	["truncated", (r) => {
		const v = validSequence();
		return v.subarray(0, 1 + (r() % (v.length - 1)));
	}],
	["oversized", (r) => Buffer.concat([connectPacket("fuzz"), publishPacket("shared/fuzz/big", Buffer.alloc(131_072 + 1 + (r() % 4096), 1), 1, 9)])],
	["mutated", (r) => {
		const v = Buffer.from(validSequence());
		const n = 1 + (r() % 8);
		for (let i = 0; i < n; i++) v[r() % v.length] = r() & 0xff;
		return v;
	}],
	["spliced", (r) => {
		const v = validSequence();
		const a = r() % v.length;
		const b = r() % v.length;
		return Buffer.concat([v.subarray(0, Math.min(a, b)), Buffer.from(Array.from({ length: r() % 16 }, () => r() & 0xff)), v.subarray(Math.max(a, b))]);
	}],
];

/** Kinds the server must refuse: the test waits up to 10 s for their close (a loaded machine is slow), not 250 ms. */
const MUST_CLOSE = new Set(["absurd length", "connect then absurd length", "oversized"]);

/** Writes `bytes` in random chunks; waits for the server to close, at most `waitMs`, then closes. */
async function runCase(bytes: Buffer, r: () => number, waitMs: number): Promise<"closed by server" | "left open"> {
	const c: RawClient = await rawConnect(f.cloud.port, fuzzer);
	for (let at = 0; at < bytes.length && !c.isClosed(); ) {
		const n = 1 + (r() % 2048);
		c.write(bytes.subarray(at, at + n));
		at += n;
		if (r() % 4 === 0) await sleep(1);
	}
	await Promise.race([c.closed, sleep(waitMs)]);
	const outcome = c.isClosed() ? "closed by server" : "left open";
	c.end();
	await c.closed;
	return outcome;
}

async function honestRoundTrip(id: number): Promise<void> {
	const c = await rawConnect(f.cloud.port, honestCred);
	c.write(connectPacket("honest"));
	expect(await nextPacket(c, "connack")).toMatchObject({ returnCode: 0 });
	c.write(publishPacket("shared/honest/ping", "ok", 1, id));
	expect(await nextPacket(c, "puback")).toMatchObject({ messageId: id });
	c.end();
	await c.closed;
}

describe("broker fuzz after the TLS handshake", () => {
	it(`survives ${CASES} seeded cases (seed ${SEED}) and keeps serving an honest client`, async () => {
		const r = rng(SEED);
		const outcomes: Record<string, number> = {};
		const cases = Array.from({ length: CASES }, (_, i) => {
			const [kind, make] = KINDS[i % KINDS.length];
			return { kind, bytes: make(r), seed: r() };
		});
		for (let i = 0; i < cases.length; i += PARALLEL) {
			const batch = cases.slice(i, i + PARALLEL);
			const results = await Promise.all(batch.map((k) => runCase(k.bytes, rng(k.seed), MUST_CLOSE.has(k.kind) ? 10_000 : 250)));
			results.forEach((o, j) => {
				const key = `${batch[j].kind}: ${o}`;
				outcomes[key] = (outcomes[key] ?? 0) + 1;
			});
			if ((i / PARALLEL) % 10 === 9) await honestRoundTrip(1 + i);
		}
		await honestRoundTrip(65_000);
		const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
		expect(total).toBe(CASES);
		// every absurd length is refused from the fixed header, and every oversized packet too
		expect(outcomes["absurd length: left open"] ?? 0).toBe(0);
		expect(outcomes["connect then absurd length: left open"] ?? 0).toBe(0);
		expect(outcomes["oversized: left open"] ?? 0).toBe(0);
		expect(f.cloud.metrics("honest")["aws:num-messages-sent"]).toBe(Math.floor(CASES / PARALLEL / 10) + 1);
		process.stdout.write(`broker fuzz outcomes: ${JSON.stringify(outcomes)}\n`);
	});
});
