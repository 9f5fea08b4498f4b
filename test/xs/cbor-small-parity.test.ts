import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startXS } from "./xs-harness";
import type { XSWorker } from "./xs-harness";
import { CborWriter } from "../fixtures/cbor-reference";
import { encodeWith } from "../../modules/report/encode";
import { SHORT } from "../../modules/report/keys";
import type { ReportModel } from "../../modules/report/report";
import { referenceModel, reportFixtures } from "../fixtures/reports";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const walkWriter = new CborWriter();
/** Node's walk + CborWriter: the reference bytes. */
const reference = (model: ReportModel, maxListSize?: number) => hex(encodeWith(walkWriter, SHORT, model, { maxListSize }));
let xs: XSWorker;

/** Deterministic varied models (no RNG needed): every section, non-ASCII and long texts, floats, lists past the cap. */
function models(count: number): ReportModel[] {
	const texts = ["st1", "h\u00e9llo \u20ac", "\ud83d\ude00", "a\ud83d\ude00b", "\u00ff", "x".repeat(30), "\u00e9".repeat(200)];
	const numbers = [0, 23, 24, 255, 65536, 4294967296, -1, -25, -4294967297, 0.5, -12.5, 100000.5, 0.1, 1e21, 5e-324, 1023 * 2 ** -24, Number.MAX_SAFE_INTEGER];
	return Array.from({ length: count }, (_, i) => ({
		reportId: 1700000000000 + i,
		listeningTcpPorts: Array.from({ length: i % 7 }, (_, k) => ({ port: (k * 7919) % 65536, interface: k % 2 ? texts[(i + k) % texts.length] : undefined })),
		...(i % 3 ? { listeningUdpPorts: [{ port: i }] } : {}),
		connections: Array.from({ length: i % 5 }, (_, k) => ({ remoteAddr: k % 2 ? `[2001:db8::${k}]:${k}` : `10.0.${i}.${k}:8883`, localPort: k % 3 ? k : undefined, localInterface: texts[(i * k) % texts.length] })),
		...(i % 4 ? { networkStats: { bytesIn: i * 1000003, bytesOut: 2 ** 32 + i, packetsIn: i, packetsOut: 0 } } : {}),
		customMetrics: {
			n: { number: numbers[i % numbers.length] },
			l: { number_list: numbers.slice(i % numbers.length, (i % numbers.length) + (i % 5)) },
			s: { string_list: texts.slice(i % 3, (i % 3) + (i % 5)) },
			ip: { ip_list: ["192.0.2.1", "2001:db8::ff00:42:8329"].slice(0, i % 3) },
		},
	}));
}

beforeAll(async () => {
	xs = await startXS(new URL("./entries/cbor-small-entry.ts", import.meta.url));
});
afterAll(async () => {
	await xs.close();
});

describe("compact CBOR writer on XS", () => {
	it.each(reportFixtures.map((f) => [f.name, f] as const))("%s: XS bytes are Node's walk + CborWriter bytes", async (_name, f) => {
		const { result } = await xs.call<Uint8Array>("encode", f.model, f.maxListSize);
		expect(hex(result)).toBe(reference(f.model, f.maxListSize));
	});

	it("encodes the fixtures bundled into XS as Node's reference does", async () => {
		const { result } = await xs.call<Uint8Array[]>("encodeFixtures");
		expect(result.map(hex)).toEqual(reportFixtures.map((f) => reference(f.model, f.maxListSize)));
	});

	it("encodes 60 varied models (non-ASCII, surrogate pairs, floats, lists past the cap) as Node's reference does", async () => {
		const batch = models(60);
		const { result } = await xs.call<Uint8Array[]>("encodeMany", batch, 4);
		expect(result.map(hex)).toEqual(batch.map((m) => reference(m, 4)));
	});

	it("grows its buffer on XS for a large report and still writes small ones exactly", async () => {
		const before = (await xs.call<number>("capacity")).result;
		const big: ReportModel = { reportId: 2, listeningUdpPorts: [{ port: 1, interface: "\u20ac".repeat(before) }], connections: Array.from({ length: 50 }, (_, i) => ({ remoteAddr: `192.168.1.${i}:65000`, localPort: i })) };
		expect(hex((await xs.call<Uint8Array>("encode", big)).result)).toBe(reference(big));
		expect((await xs.call<number>("capacity")).result).toBeGreaterThan(before);
		expect(hex((await xs.call<Uint8Array>("encode", referenceModel)).result)).toBe(reference(referenceModel));
	});

	it("refuses bad input on XS with the same ReportError code", async () => {
		await expect(xs.call("encode", { reportId: 1, customMetrics: { m: { string_list: ["a\ud800b"] } } })).rejects.toEqual(expect.objectContaining({ name: "ReportError", code: "BadText" }));
		await expect(xs.call("encode", { reportId: 2 ** 53 })).rejects.toEqual(expect.objectContaining({ code: "BadReportId" }));
		await expect(xs.call("encode", { reportId: 1, connections: [{ remoteAddr: "1.2.3.4:99999" }] })).rejects.toEqual(expect.objectContaining({ name: "ReportError", code: "BadRemoteAddr" }));
		await expect(xs.call("encode", { reportId: 1, customMetrics: { m: { number_list: [1, 2] } } }, 1)).rejects.toEqual(expect.objectContaining({ code: "ListTooLong" }));
	});
});
