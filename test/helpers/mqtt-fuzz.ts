/*
 * mqtt-fuzz — feeds random and mutated frames to the MQTT parser, in random chunk sizes, and
 * counts what happened. Deterministic for a seed. A throw or a next() loop that does not consume
 * its input (a hang) is counted, never hidden; scripts/fuzz-mqtt.ts and a unit test run it.
 */
import { MqttParser } from "../../modules/mqtt/parser";
import { statusName } from "../../modules/mqtt/status";
import { encodePublish } from "../../modules/mqtt/encode";
import { PARSE } from "../fixtures/mqtt-packets";

export interface FuzzResult {
	frames: number;
	bytes: number;
	packets: number;
	throws: number;
	hangs: number;
	statuses: Record<string, number>;
	firstThrow?: string;
}

/** xorshift32: small, fast and deterministic (0 falls back to a fixed seed). */
export function rng(seed: number): () => number {
	let s = seed >>> 0 || 0x9e3779b9;
	return () => {
		s ^= s << 13;
		s >>>= 0;
		s ^= s >>> 17;
		s ^= s << 5;
		s >>>= 0;
		return s;
	};
}

function seeds(): Uint8Array[] {
	const out = PARSE.map((f) => Uint8Array.from(f.bytes));
	const buf = new Uint8Array(400);
	for (const size of [0, 1, 120, 121, 300]) {
		const end = encodePublish(buf, 0, "dev/metrics/json", new Uint8Array(size).fill(0x61), size % 2, 9, false, false);
		out.push(buf.slice(0, end));
	}
	return out;
}

function mutate(base: Uint8Array, next: () => number): Uint8Array {
	const f = Array.from(base);
	const edits = 1 + (next() % 4);
	for (let e = 0; e < edits; e++) {
		const at = f.length ? next() % f.length : 0;
		switch (next() % 6) {
			case 0: f[at] ^= 1 << (next() % 8); break;
			case 1: f[at] = next() & 0xff; break;
			case 2: f.splice(at, 1); break;
			case 3: f.splice(at, 0, next() & 0xff); break;
			case 4: f.length = at; break;
			default: f.splice(1, 0, 0x80 | (next() & 0x7f)); break;
		}
	}
	return Uint8Array.from(f);
}

function frame(base: Uint8Array[], next: () => number): Uint8Array {
	if (next() % 4 === 0) {
		const f = new Uint8Array(next() % 64);
		for (let i = 0; i < f.length; i++) f[i] = next() & 0xff;
		return f;
	}
	return mutate(base[next() % base.length], next);
}

/** Feeds `count` frames; the parser is reset after each error. */
export function fuzzMqtt(count: number, seed = 1): FuzzResult {
	const next = rng(seed);
	const base = seeds();
	const parser = new MqttParser(512);
	const r: FuzzResult = { frames: 0, bytes: 0, packets: 0, throws: 0, hangs: 0, statuses: {} };
	for (let n = 0; n < count; n++) {
		const f = frame(base, next);
		r.frames++;
		r.bytes += f.length;
		try {
			feedInChunks(parser, f, next, r);
		} catch (e) {
			r.throws++;
			r.firstThrow ??= String(e);
			parser.reset();
		}
	}
	return r;
}

function feedInChunks(parser: MqttParser, f: Uint8Array, next: () => number, r: FuzzResult): void {
	let start = 0;
	while (start <= f.length) {
		const end = Math.min(f.length, start + 1 + (next() % 16));
		parser.feed(f.subarray(start, end));
		let guard = end - start + 1;
		while (parser.next()) {
			r.packets++;
			if (--guard < 0) {
				r.hangs++;
				break;
			}
		}
		if (parser.status !== 0) {
			const name = statusName(parser.status);
			r.statuses[name] = (r.statuses[name] ?? 0) + 1;
			parser.reset();
			return;
		}
		if (end === f.length) return;
		start = end;
	}
}
