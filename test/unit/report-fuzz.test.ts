import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decode as cborgDecode } from "cborg";
import { encodeReport, ReportError } from "../../modules/report/report";
import type { ReportModel } from "../../modules/report/report";
import { validateLong, validateShort } from "../fixtures/report-validators";

const anything = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(undefined), fc.boolean());
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: anything });
const portNumber = maybe(fc.integer({ min: -2, max: 65537 }));
const ports = fc.array(fc.record({ port: portNumber, interface: fc.option(maybe(fc.string()), { nil: undefined }) }, { requiredKeys: ["port"] }), { maxLength: 5 });
const addr = fc.oneof(fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 70000 })).map(([ip, p]) => `${ip}:${p}`), fc.tuple(fc.ipV6(), fc.nat(65535)).map(([ip, p]) => `[${ip}]:${p}`), fc.string());
const connection = fc.record({ remoteAddr: maybe(addr), localPort: fc.option(portNumber, { nil: undefined }), localInterface: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ["remoteAddr"] });
const count = maybe(fc.oneof(fc.nat(), fc.integer({ min: -3, max: 3 }), fc.maxSafeNat()));
const stats = fc.record({ bytesIn: count, bytesOut: count, packetsIn: count, packetsOut: count });
const number = maybe(fc.double());
const customValue = fc.oneof(
	fc.record({ number }),
	fc.record({ number_list: fc.array(number, { maxLength: 4 }) }),
	fc.record({ string_list: fc.array(maybe(fc.string()), { maxLength: 4 }) }),
	fc.record({ ip_list: fc.array(maybe(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())), { maxLength: 4 }) }),
);
const name = fc.oneof(fc.stringMatching(/^[a-zA-Z0-9:_-]{1,12}$/), fc.string({ maxLength: 6 }), fc.constant("aws:x"));
const model = fc.record(
	{
		reportId: maybe(fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(1700000000123), fc.maxSafeInteger())),
		listeningTcpPorts: ports,
		listeningUdpPorts: ports,
		connections: fc.array(connection, { maxLength: 4 }),
		networkStats: stats,
		customMetrics: fc.dictionary(name, customValue, { maxKeys: 4 }),
	},
	{ requiredKeys: ["reportId"] },
);

describe("report fuzz", () => {
	it("any model either gives a ReportError or schema-valid JSON (long and short) and matching CBOR", () => {
		let accepted = 0;
		fc.assert(
			fc.property(model, fc.integer({ min: 1, max: 4 }), (m, maxListSize) => {
				let long: Uint8Array;
				try {
					long = encodeReport(m as ReportModel, "json", { maxListSize });
				} catch (e) {
					expect(e).toBeInstanceOf(ReportError);
					return;
				}
				accepted++;
				const short = JSON.parse(Buffer.from(encodeReport(m as ReportModel, "json-short", { maxListSize })).toString());
				expect(validateLong(JSON.parse(Buffer.from(long).toString())), JSON.stringify(validateLong.errors)).toBe(true);
				expect(validateShort(short), JSON.stringify(validateShort.errors)).toBe(true);
				expect(cborgDecode(encodeReport(m as ReportModel, "cbor", { maxListSize }))).toEqual(short);
			}),
			{ numRuns: 1500 },
		);
		expect(accepted).toBeGreaterThan(20);
	});
});
