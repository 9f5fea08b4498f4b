/*
 * cloud bench — report ingest on one core: decode + ajv validation + intake gate + Detect evaluation of a
 * 10-behavior profile, for JSON short keys and CBOR, beside a peer measured in the same run (plain
 * JSON.parse + one ajv validate of the same document). Goal: ≥ 20,000 reports/s through the full ingest.
 */
import { Ajv } from "ajv";
import { encode as cborEncode } from "cbor-x";
import { DetectEngine } from "../cloud/detect/engine";
import { ALL_THINGS_ARN, Registry } from "../cloud/detect/registry";
import { intakeReport, type ReportGateState } from "../cloud/reports/intake";
import { REMOTE_ADDR, REMOTE_ADDR_FORMAT, reportSchema } from "../cloud/reports/schema";

const GOAL = 20_000;
const N = 20_000;
const THINGS = 100;
const T0 = Date.UTC(2026, 0, 1);

const behaviors = [
	{ name: "bi", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1e9 } } },
	{ name: "bo", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 1e9 }, consecutiveDatapointsToAlarm: 2 } },
	{ name: "pi", metric: "aws:all-packets-in", criteria: { comparisonOperator: "less-than-equals", value: { count: 1e6 } } },
	{ name: "po", metric: "aws:all-packets-out", criteria: { comparisonOperator: "less-than-equals", value: { count: 1e6 } } },
	{ name: "tp", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [22, 443, 8883] } } },
	{ name: "up", metric: "aws:listening-udp-ports", criteria: { comparisonOperator: "not-in-port-set", value: { ports: [69] } } },
	{ name: "ntp", metric: "aws:num-listening-tcp-ports", criteria: { comparisonOperator: "less-than", value: { count: 10 } } },
	{ name: "ec", metric: "aws:num-established-tcp-connections", criteria: { comparisonOperator: "less-than", value: { count: 20 } } },
	{ name: "dst", metric: "aws:destination-ip-addresses", criteria: { comparisonOperator: "in-cidr-set", value: { cidrs: ["10.0.0.0/8", "192.168.0.0/16"] } } },
	{ name: "cpu", metric: "cpu", criteria: { comparisonOperator: "less-than", value: { number: 90 } } },
];

function doc(rid: number): object {
	return {
		hed: { rid, v: "1.0" },
		met: {
			tp: { pts: [{ pt: 443 }, { pt: 8883 }], t: 2 },
			up: { pts: [{ pt: 5353 }], t: 1 },
			ns: { bi: 1000 + (rid % 97), bo: 2000, pi: 10, po: 12 },
			tc: { ec: { cs: [{ rad: "10.0.0.5:8883", lp: 50000 }], t: 1 } },
		},
		cmet: { cpu: [{ number: rid % 100 }] },
	};
}

function payloads(format: "json" | "cbor"): Buffer[] {
	return Array.from({ length: 512 }, (_, i) => (format === "json" ? Buffer.from(JSON.stringify(doc(i + 1))) : Buffer.from(cborEncode(doc(i + 1)))));
}

function ingest(format: "json" | "cbor"): number {
	const registry = new Registry({ saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} });
	registry.createSecurityProfile({ securityProfileName: "bench", behaviors });
	registry.attachSecurityProfile("bench", ALL_THINGS_ARN);
	const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: T0 });
	const gates = new Map<string, ReportGateState>();
	const data = payloads(format);
	const options = { minReportIntervalSeconds: 300, rejectLowerReportIds: false };
	let accepted = 0;
	const start = performance.now();
	for (let i = 0; i < N; i++) {
		const thing = `t${i % THINGS}`;
		const now = T0 + Math.floor(i / THINGS) * 300_000;
		const r = intakeReport(thing, format, data[i % data.length], gates.get(thing) ?? {}, options, now);
		if (r.kind !== "accepted") continue;
		gates.set(thing, r.state);
		engine.report(thing, r.report.values, now);
		accepted++;
	}
	const seconds = (performance.now() - start) / 1000;
	if (accepted < N * 0.9) throw new Error(`only ${accepted} of ${N} reports accepted`);
	return N / seconds;
}

function peer(): number {
	const validate = new Ajv({ strict: false }).addFormat(REMOTE_ADDR, REMOTE_ADDR_FORMAT).compile(reportSchema("short"));
	const data = payloads("json");
	let ok = 0;
	const start = performance.now();
	for (let i = 0; i < N; i++) if (validate(JSON.parse(data[i % data.length].toString("utf8")))) ok++;
	const seconds = (performance.now() - start) / 1000;
	if (ok !== N) throw new Error("peer validation failed");
	return N / seconds;
}

/** best of three runs of `f`, after one warm-up: the figure least disturbed by other load on the machine */
function best(f: () => number): number {
	f();
	return Math.max(f(), f(), f());
}

const base = best(peer);
const json = best(() => ingest("json"));
const cbor = best(() => ingest("cbor"));
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
console.log(`peer  JSON.parse + ajv validate (short keys)        ${fmt(base)} reports/s`);
console.log(`ingest JSON short: decode+validate+gate+10 behaviors ${fmt(json)} reports/s  (${(json / base).toFixed(2)}x peer)`);
console.log(`ingest CBOR:       decode+validate+gate+10 behaviors ${fmt(cbor)} reports/s  (${(cbor / base).toFixed(2)}x peer)`);
const pass = Math.min(json, cbor) >= GOAL;
console.log(`${pass ? "PASS" : "FAIL"}: ingest with 10 behaviors >= ${fmt(GOAL)} reports/s on one core`);
process.exitCode = pass ? 0 : 1;
