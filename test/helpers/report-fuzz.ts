/*
 * report-fuzz — seeded mutation of valid reports (JSON long, JSON short, CBOR: written by the firmware's
 * encoders, plus hand-built CBOR with indefinite maps and uint64 ids) fed to the cloud's decodeReport.
 * Every outcome is counted: rejected (DecodeError), accepted, threw (any other exception: a bug),
 * garbage (accepted but refused by the independent oracle: a bug). Shared by the CI test (a bounded
 * share) and bench/report-fuzz.bench.ts (a million reports).
 */
import { decodeReport, DecodeError } from "../../cloud/reports/decode";
import { encodeReport } from "../../modules/report/report";
import { reportFixtures } from "../fixtures/reports";
import { ALL_CASES } from "../fixtures/report-cases";
import { garbageReason, oracleReason } from "./report-oracle";
import { prng } from "./prng";

type Format = "json" | "cbor";
interface Seed {
	format: Format;
	bytes: Uint8Array;
}

export interface FuzzCounts {
	total: number;
	rejected: number;
	accepted: number;
	threw: number;
	garbage: number;
	/** rejected although the oracle accepts it (counted only with `crossCheck`) */
	overRejected: number;
	/** longest single decode, ms, and its input */
	slowestMs: number;
	slowest?: { format: Format; bytes: Uint8Array };
	/** first few failures (threw or garbage), hex payload and why */
	examples: string[];
}


function seeds(): Seed[] {
	const out: Seed[] = [];
	for (const f of reportFixtures) {
		const options = f.maxListSize === undefined ? undefined : { maxListSize: f.maxListSize };
		out.push({ format: "json", bytes: encodeReport(f.model, "json", options) });
		out.push({ format: "json", bytes: encodeReport(f.model, "json-short", options) });
		out.push({ format: "cbor", bytes: encodeReport(f.model, "cbor", options) });
	}
	for (const c of ALL_CASES) if (c.verdict === "accepted") out.push({ format: c.format, bytes: c.payload });
	return out;
}

const enc = new TextEncoder();
/** Bytes that tend to matter: UTF-8 lead/continuation bytes, JSON punctuation, CBOR heads (uint64, floats, break, tags, indefinite). */
const INTERESTING = [0x00, 0x22, 0x2c, 0x2e, 0x3a, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d, 0x65, 0x30, 0x39, 0x2d, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xed, 0xef, 0xf4, 0xf5, 0xff, 0x1b, 0x3b, 0x5f, 0x7f, 0x9f, 0xbf, 0xd9, 0xf7, 0xf9, 0xfa, 0xfb, 0x18, 0x19, 0x1a, 0xa0, 0x60];
const TOKENS = ["0", "-1", "5.0", "1e400", "9007199254740991", "9007199254740992", "9007199254740993", "18446744073709551615", '"rid"', '"hed"', '"met"', '"[::1]"', '"hello world"', '"10.0.0.1"', '"1.2.3.4:80"', "\\ud800", "\\u0000", "{}", "[]", "null", ",", ":", '"', "\ufeff"].map((s) => enc.encode(s));

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
	const out = new Uint8Array(b.length - remove + insert.length);
	out.set(b.subarray(0, at), 0);
	out.set(insert, at);
	out.set(b.subarray(at + remove), at + insert.length);
	return out;
}

/** One random mutation of `b`. */
function mutateOnce(b: Uint8Array, rnd: () => number, all: Seed[]): Uint8Array {
	const pick = (n: number): number => Math.floor(rnd() * n);
	const at = pick(b.length + 1);
	const len = 1 + pick(Math.min(16, Math.max(1, b.length - at)));
	switch (pick(9)) {
		case 0: // flip a bit
			return at < b.length ? splice(b, at, 1, Uint8Array.of(b[at] ^ (1 << pick(8)))) : b;
		case 1: // overwrite with an interesting byte
			return splice(b, at, at < b.length ? 1 : 0, Uint8Array.of(INTERESTING[pick(INTERESTING.length)]));
		case 2: // insert a random byte
			return splice(b, at, 0, Uint8Array.of(pick(256)));
		case 3: // delete a run
			return splice(b, at, Math.min(len, b.length - at), new Uint8Array(0));
		case 4: // duplicate a run (repeats keys and entries)
			return splice(b, at, 0, b.slice(at, at + len));
		case 5: // truncate
			return b.slice(0, at);
		case 6: // replace a run with a token that matters
			return splice(b, at, Math.min(len, b.length - at) >> 1, TOKENS[pick(TOKENS.length)]);
		case 7: { // graft a run of another seed
			const other = all[pick(all.length)].bytes;
			const from = pick(other.length);
			return splice(b, at, Math.min(len, b.length - at) >> 1, other.slice(from, from + len));
		}
		default: // swap two bytes
			if (b.length < 2) return b;
			return ((c) => {
				const j = pick(c.length);
				const k = pick(c.length);
				[c[j], c[k]] = [c[k], c[j]];
				return c;
			})(b.slice());
	}
}

/**
 * Runs `count` mutated reports (1–4 mutations each) through decodeReport with PRNG seed `seed`; with
 * `crossCheck`, every rejected report is also shown to the oracle (does the cloud refuse valid reports?).
 */
export function runReportFuzz(count: number, seed: number, crossCheck = false): FuzzCounts {
	const rnd = prng(seed);
	const all = seeds();
	const counts: FuzzCounts = { total: 0, rejected: 0, accepted: 0, threw: 0, garbage: 0, overRejected: 0, slowestMs: 0, examples: [] };
	const note = (what: string, format: Format, b: Uint8Array): void => {
		if (counts.examples.length < 5) counts.examples.push(`${what} [${format}] ${Buffer.from(b).toString("hex")}`);
	};
	for (let i = 0; i < count; i++) {
		const s = all[Math.floor(rnd() * all.length)];
		let b = s.bytes;
		for (let m = rnd() < 0.5 ? 1 : 2 + Math.floor(rnd() * 3); m > 0; m--) b = mutateOnce(b, rnd, all);
		counts.total++;
		const start = performance.now();
		try {
			const report = decodeReport(b, s.format);
			counts.accepted++;
			const why = garbageReason(s.format, b, report.reportId);
			if (why !== undefined) {
				counts.garbage++;
				note(`garbage: ${why}`, s.format, b);
			}
		} catch (e) {
			if (e instanceof DecodeError) {
				counts.rejected++;
				if (crossCheck && oracleReason(s.format, b) === undefined) {
					counts.overRejected++;
					note(`over-rejected: ${e.detail}`, s.format, b);
				}
			} else {
				counts.threw++;
				note(`threw: ${(e as Error).message}`, s.format, b);
			}
		}
		const ms = performance.now() - start;
		if (ms > counts.slowestMs) {
			counts.slowestMs = ms;
			counts.slowest = { format: s.format, bytes: b };
		}
	}
	return counts;
}

/** An input decoded again, best of 20 (ms): a slow input stays slow, a pause of the loaded machine does not. */
export function retime(input: { format: Format; bytes: Uint8Array }): number {
	let best = Infinity;
	for (let i = 0; i < 20; i++) {
		const t = performance.now();
		try {
			decodeReport(input.bytes, input.format);
		} catch {
			// rejected: only the time matters here
		}
		best = Math.min(best, performance.now() - t);
	}
	return best;
}
