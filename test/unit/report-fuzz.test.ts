import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decode as cborgDecode } from "cborg";
import { encodeReport, ReportError } from "../../modules/report/report";
import type { ReportModel } from "../../modules/report/report";
import { validateLong, validateShort } from "../fixtures/report-validators";

/** Builds a model arbitrary; `wild` mixes in values of any type so that many models are invalid. */
function modelArb(wild: boolean): fc.Arbitrary<unknown> {
	const anything = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(undefined), fc.boolean());
	const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<unknown> => (wild ? fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: anything }) : a);
	const portNumber = maybe(wild ? fc.integer({ min: -2, max: 65537 }) : fc.integer({ min: 0, max: 65535 }));
	const ports = fc.array(fc.record({ port: portNumber, interface: fc.option(maybe(fc.string()), { nil: undefined }) }, { requiredKeys: ["port"] }), { maxLength: 6 });
	const validAddr = fc.oneof(fc.tuple(fc.ipV4(), fc.nat(65535)).map(([ip, p]) => `${ip}:${p}`), fc.tuple(fc.ipV6(), fc.nat(65535)).map(([ip, p]) => `[${ip}]:${p}`));
	const addr = wild ? fc.oneof(validAddr, fc.tuple(fc.ipV4(), fc.integer({ min: 65536, max: 70000 })).map(([ip, p]) => `${ip}:${p}`), fc.string()) : validAddr;
	const connection = fc.record({ remoteAddr: maybe(addr), localPort: fc.option(portNumber, { nil: undefined }), localInterface: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ["remoteAddr"] });
	const count = maybe(wild ? fc.oneof(fc.nat(), fc.integer({ min: -3, max: 3 }), fc.maxSafeNat()) : fc.oneof(fc.nat(), fc.maxSafeNat()));
	const number = maybe(wild ? fc.double() : fc.double({ noNaN: true, noDefaultInfinity: true }));
	const ipText = wild ? fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()) : fc.oneof(fc.ipV4(), fc.ipV6());
	const customValue = fc.oneof(
		fc.record({ number }),
		fc.record({ number_list: fc.array(number, { maxLength: 4 }) }),
		fc.record({ string_list: fc.array(maybe(fc.string()), { maxLength: 4 }) }),
		fc.record({ ip_list: fc.array(maybe(ipText), { maxLength: 4 }) }),
	);
	const validName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,12}$/).filter((n) => !n.startsWith("aws:") && n !== "__proto__"); // cborg's decoder turns a "__proto__" key into a prototype: tested in report-json
	const name = wild ? fc.oneof(validName, fc.string({ maxLength: 6 }), fc.constant("aws:x")) : validName;
	const reportId = maybe(wild ? fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(1700000000123), fc.maxSafeInteger()) : fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(1700000000123), fc.constant(Number.MAX_SAFE_INTEGER)));
	return fc.record(
		{
			reportId,
			listeningTcpPorts: ports,
			listeningUdpPorts: ports,
			connections: fc.array(connection, { maxLength: 6 }),
			networkStats: fc.record({ bytesIn: count, bytesOut: count, packetsIn: count, packetsOut: count }),
			customMetrics: fc.dictionary(name, customValue, { maxKeys: 4 }),
		},
		{ requiredKeys: ["reportId"] },
	);
}

/** Encodes in all three formats and checks both schemas and that CBOR carries the short-key document. */
function checkOutputs(m: ReportModel, maxListSize: number): void {
	const long = JSON.parse(Buffer.from(encodeReport(m, "json", { maxListSize })).toString());
	const short = JSON.parse(Buffer.from(encodeReport(m, "json-short", { maxListSize })).toString());
	expect(validateLong(long), JSON.stringify(validateLong.errors)).toBe(true);
	expect(validateShort(short), JSON.stringify(validateShort.errors)).toBe(true);
	expect(cborgDecode(encodeReport(m, "cbor", { maxListSize }))).toEqual(short);
}

describe("report fuzz", () => {
	it("every valid model encodes to schema-valid JSON (long and short) and matching CBOR", () => {
		fc.assert(
			fc.property(modelArb(false), fc.integer({ min: 4, max: 8 }), (m, maxListSize) => checkOutputs(m as ReportModel, maxListSize)),
			{ numRuns: 500 },
		);
	});

	it("any model, valid or not, either gives a ReportError or schema-valid output", () => {
		fc.assert(
			fc.property(modelArb(true), fc.integer({ min: 1, max: 4 }), (m, maxListSize) => {
				try {
					encodeReport(m as ReportModel, "json", { maxListSize });
				} catch (e) {
					expect(e).toBeInstanceOf(ReportError);
					return;
				}
				checkOutputs(m as ReportModel, maxListSize);
			}),
			{ numRuns: 1500 },
		);
	});
});
