/*
 * MQTT codec bench. A QoS 1 PUBLISH with a 40-character topic and 10, 100 and 1,000-byte payloads:
 * our encode, decode and encode→decode round trip beside mqtt-packet's generate and parser in the
 * same run, as ratios (goal: round trip ≥ 3×, each half ≥ 2×), with three topic patterns: the same
 * topic every packet (the topic caches always hit), two alternating topics, and a new topic every
 * packet (4,096 distinct ones in turn; no cache can help). Then the round trip on XS (xsnap meter):
 * compute per 100-byte round trip (goal ≤ 6,000). Node figures are operations per millisecond of this
 * process's CPU time, so other load on the machine does not inflate them.
 * Run: npx tsx bench/mqtt.bench.ts  (BENCH_MS=600 for longer runs, BENCH_PATTERN=alternating for one pattern)
 */
import mqttPacket from "mqtt-packet";
import type { Packet as PeerPacket } from "mqtt-packet";
import { encodePublish } from "../modules/mqtt/encode";
import { MqttParser } from "../modules/mqtt/parser";

const TOPIC = "$aws/things/MyDevice/defender/metrics/js";
const OTHER = "$aws/things/MyDevice/defender/metrics/cb";
/** 40-character topics, each once per 4,096 packets */
const UNIQUE = Array.from({ length: 4096 }, (_, i) => `$aws/things/T${String(i).padStart(7, "0")}/defender/metrics/js`);
const PATTERNS: [name: string, topics: string[]][] = [
	["same topic", [TOPIC]],
	["2 alternating topics", [TOPIC, OTHER]],
	["a new topic each packet", UNIQUE],
];
const SIZES = [10, 100, 1000];
const MS = Number(process.env.BENCH_MS ?? 300);
let failed = 0;

function verdict(ok: boolean): string {
	if (!ok) failed++;
	return ok ? "PASS" : "FAIL";
}

/** Milliseconds of CPU this process has used (user + system): unlike wall time, not inflated when other processes share the cores. */
function cpuMs(): number {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
}

/** Operations per CPU millisecond of `op`, in batches for about `ms` ms of CPU after a warm-up. */
function once(op: (i: number) => void, ms: number): number {
	for (let i = 0; i < 1000; i++) op(i);
	let n = 0;
	const start = cpuMs();
	let elapsed = 0;
	while (elapsed < ms) {
		for (let i = 0; i < 200; i++) op(n++);
		elapsed = cpuMs() - start;
	}
	return n / elapsed;
}

/** Best of three interleaved runs of ours and the peer (the machine is shared and noisy). */
function pair(ours: (i: number) => void, peer: (i: number) => void): [number, number] {
	let a = 0;
	let b = 0;
	for (let k = 0; k < 3; k++) {
		a = Math.max(a, once(ours, MS / 3));
		b = Math.max(b, once(peer, MS / 3));
	}
	return [a, b];
}

function nodeFigures(size: number, pattern: string, topics: string[]): { encode: number; decode: number; round: number } {
	const k = topics.length;
	const payload = new Uint8Array(size).fill(0x61);
	const peerPayload = Buffer.from(payload);
	const out = new Uint8Array(2048);
	const parser = new MqttParser(2048);
	let sink = 0;
	const peerParser = mqttPacket.parser({ protocolVersion: 4 });
	peerParser.on("packet", (p: PeerPacket) => (sink += (p as { payload: Buffer }).payload.length));
	const peerPacket = (i: number) => ({ cmd: "publish", topic: topics[i % k], payload: peerPayload, qos: 1, messageId: (i % 65535) + 1, dup: false, retain: false }) as PeerPacket;
	const encoded = topics.map((t) => out.slice(0, encodePublish(out, 0, t, payload, 1, 1, false, false)));
	const peerEncoded = topics.map((_, i) => mqttPacket.generate(peerPacket(i)));
	const encode = pair((i) => (sink += encodePublish(out, 0, topics[i % k], payload, 1, (i % 65535) + 1, false, false)), (i) => (sink += mqttPacket.generate(peerPacket(i)).length));
	const decode = pair((i) => {
		parser.feed(encoded[i % k]);
		sink += parser.next()?.payload.length ?? 0;
	}, (i) => peerParser.parse(peerEncoded[i % k]));
	const round = pair((i) => {
		const end = encodePublish(out, 0, topics[i % k], payload, 1, (i % 65535) + 1, false, false);
		parser.feed(out.subarray(0, end));
		sink += parser.next()?.payload.length ?? 0;
	}, (i) => peerParser.parse(mqttPacket.generate(peerPacket(i))));
	const ours = { encode: encode[0], decode: decode[0], round: round[0] };
	const peer = { encode: encode[1], decode: decode[1], round: round[1] };
	if (sink < 0) console.log(sink);
	const ratio = { encode: ours.encode / peer.encode, decode: ours.decode / peer.decode, round: ours.round / peer.round };
	console.log(`  ${String(size).padStart(4)} B payload, ${pattern} (ops per CPU ms ours | mqtt-packet | ratio):`);
	console.log(`    encode     ${ours.encode.toFixed(0).padStart(6)} | ${peer.encode.toFixed(0).padStart(6)} | ${ratio.encode.toFixed(2)}×  goal ≥ 2×: ${verdict(ratio.encode >= 2)}`);
	console.log(`    decode     ${ours.decode.toFixed(0).padStart(6)} | ${peer.decode.toFixed(0).padStart(6)} | ${ratio.decode.toFixed(2)}×  goal ≥ 2×: ${verdict(ratio.decode >= 2)}`);
	console.log(`    round trip ${ours.round.toFixed(0).padStart(6)} | ${peer.round.toFixed(0).padStart(6)} | ${ratio.round.toFixed(2)}×  goal ≥ 3×: ${verdict(ratio.round >= 3)}`);
	return ratio;
}

async function onXS(): Promise<void> {
	// imported only now: the harness runs SES lockdown (@endo/init) in this process, which slows every
	// figure measured after it on Node several times (the peer's too), so the Node figures come first
	const { startXS } = await import("../test/xs/xs-harness");
	const xs = await startXS(new URL("../test/xs/mqtt-entry.ts", import.meta.url));
	try {
		console.log("XS (xsnap meter), compute per QoS 1 PUBLISH round trip, 40-char topic:");
		for (const size of SIZES) {
			const one = await xs.call("roundTrip", 1, size);
			const many = await xs.call("roundTrip", 101, size);
			const steady = (many.compute - one.compute) / 100;
			const coldOne = await xs.call("roundTrip", 2, size, true);
			const coldMany = await xs.call("roundTrip", 102, size, true);
			const cold = (coldMany.compute - coldOne.compute) / 100;
			const goal = size === 100 ? `  goal ≤ 6000: ${verdict(steady <= 6000)}` : "";
			console.log(`  ${String(size).padStart(4)} B: ${steady.toFixed(0)} per round trip, same topic${goal}; ${cold.toFixed(0)} with the topic caches missing`);
		}
	} finally {
		await xs.close();
	}
}

console.log(`MQTT codec on Node (${MS} ms of CPU per figure, best of 3 interleaved runs):`);
for (const [pattern, topics] of PATTERNS.filter(([p]) => !process.env.BENCH_PATTERN || p.includes(process.env.BENCH_PATTERN))) for (const size of SIZES) nodeFigures(size, pattern, topics);
await onXS();
process.exit(failed ? 1 : 0);
