/*
 * mqtt-entry — the MQTT codec exports that test/xs/mqtt-parity.test.ts and bench/mqtt.bench.ts
 * call on XS (bundled by test/xs/xs-harness.ts). Plain ES2022; no Node.
 */
import { ERRORS, GENERATE, PARSE } from "../fixtures/mqtt-packets";
import { encodeInput, parseChunks } from "../helpers/mqtt-codec";
import type { ParseResult } from "../helpers/mqtt-codec";
import { encodePublish } from "../../modules/mqtt/encode";
import { MqttParser } from "../../modules/mqtt/parser";
import { fuzzMqtt } from "../helpers/mqtt-fuzz";
import type { FuzzResult } from "../helpers/mqtt-fuzz";

export function noop(): number {
	return 0;
}

/** Our bytes for every GENERATE fixture. */
export function encodeFixtures(): Uint8Array[] {
	const out = new Uint8Array(256);
	return GENERATE.map((f) => out.slice(0, encodeInput(out, 0, f.object)));
}

/** Every PARSE fixture back to back, fed in chunks of `step` bytes. */
export function parseFixtures(step: number): ParseResult {
	const stream = PARSE.flatMap((f) => f.bytes);
	const cuts: number[] = [];
	for (let i = step; i < stream.length; i += step) cuts.push(i);
	return parseChunks(stream, cuts);
}

/** The status name for every ERRORS fixture. */
export function parseErrors(): string[] {
	return ERRORS.map((f) => parseChunks(f.bytes).status);
}

export function fuzz(count: number, seed: number): FuzzResult {
	return fuzzMqtt(count, seed);
}

const TOPIC = "$aws/things/MyDevice/defender/metrics/js"; // 40 characters
const OTHER = "$aws/things/MyDevice/defender/metrics/cb"; // 40 characters, defeats the topic caches
let out: Uint8Array | undefined;
let parser: MqttParser | undefined;

/**
 * n QoS 1 PUBLISH encode → decode round trips (40-char topic, `size`-byte payload); returns bytes
 * seen. `cold` alternates two topics so neither the encoder's nor the parser's topic cache hits.
 */
export function roundTrip(n: number, size: number, cold = false): number {
	out ??= new Uint8Array(2048);
	parser ??= new MqttParser(2048);
	const payload = new Uint8Array(size).fill(0x61);
	let seen = 0;
	for (let i = 0; i < n; i++) {
		const end = encodePublish(out, 0, cold && i % 2 ? OTHER : TOPIC, payload, 1, (i % 65535) + 1, false, false);
		parser.feed(out.subarray(0, end));
		const p = parser.next();
		if (p) seen += p.payload.length;
	}
	return seen;
}

/** n encodes only. */
export function encodeOnly(n: number, size: number): number {
	out ??= new Uint8Array(2048);
	const payload = new Uint8Array(size).fill(0x61);
	let end = 0;
	for (let i = 0; i < n; i++) end = encodePublish(out, 0, TOPIC, payload, 1, (i % 65535) + 1, false, false);
	return end;
}

/** n decodes only of one encoded packet. */
export function decodeOnly(n: number, size: number): number {
	const buf = new Uint8Array(2048);
	const end = encodePublish(buf, 0, TOPIC, new Uint8Array(size).fill(0x61), 1, 1, false, false);
	const bytes = buf.subarray(0, end);
	parser ??= new MqttParser(2048);
	let seen = 0;
	for (let i = 0; i < n; i++) {
		parser.feed(bytes);
		const p = parser.next();
		if (p) seen += p.payload.length;
	}
	return seen;
}
