/*
 * dimensions bench — the cost of dimension-scoped counting on the broker's hot path: DetectEngine.message()
 * per published message for 100 things, with a profile of 4 unscoped cloud-side behaviors (one per-message byte size), and with the
 * same profile plus 4 scoped ones (2 TOPIC_FILTER dimensions of 10 filters with + / # / ${iot:ClientId},
 * IN and NOT_IN). Run: npx tsx bench/dimensions.bench.ts
 */
import { Definitions } from "../cloud/detect/definitions";
import { DetectEngine } from "../cloud/detect/engine";
import type { Behavior } from "../cloud/detect/profile";
import { ALL_THINGS_ARN, Registry } from "../cloud/detect/registry";

const N = 500_000;
const THINGS = 100;
const T0 = Date.UTC(2026, 0, 1);
const nopDefs = { saveDimension() {}, deleteDimension() {}, saveCustomMetric() {}, deleteCustomMetric() {} };
const counted = (name: string, metric: string, dimension?: Behavior["metricDimension"]): Behavior => ({
	name,
	metric,
	...(dimension ? { metricDimension: dimension } : {}),
	criteria: { comparisonOperator: "less-than", value: { count: 1e9 }, durationSeconds: 300 },
});
const PER_MESSAGE: Behavior = { name: "size", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 1e6 } } };
const BASE = [counted("sent", "aws:num-messages-sent"), counted("recv", "aws:num-messages-received"), counted("authz", "aws:num-authorization-failures"), PER_MESSAGE];
const SCOPED = [
	counted("tIn", "aws:num-messages-sent", { dimensionName: "telemetry", operator: "IN" }),
	counted("tOut", "aws:num-messages-sent", { dimensionName: "telemetry", operator: "NOT_IN" }),
	counted("cIn", "aws:num-messages-sent", { dimensionName: "commands" }),
	{ ...PER_MESSAGE, name: "sizeScoped", metricDimension: { dimensionName: "commands", operator: "NOT_IN" as const } },
];
const TOPICS = ["telemetry/site1/temp", "telemetry/site2/hum", "devices/t7/cmd/reboot", "chat/x/y", "$aws/things/t1/shadow/update"];

function run(behaviors: Behavior[]): number {
	const defs = new Definitions(nopDefs, () => T0);
	defs.createDimension({ name: "telemetry", type: "TOPIC_FILTER", stringValues: ["telemetry/+/temp", "telemetry/+/hum", "telemetry/site9/#", ...Array.from({ length: 7 }, (_, i) => `t${i}/+/x`)] });
	defs.createDimension({ name: "commands", type: "TOPIC_FILTER", stringValues: ["devices/${iot:ClientId}/cmd/#", ...Array.from({ length: 9 }, (_, i) => `cmd${i}/#`)] });
	const registry = new Registry({ saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} }, undefined, defs);
	registry.createSecurityProfile({ securityProfileName: "bench", behaviors });
	registry.attachSecurityProfile("bench", ALL_THINGS_ARN);
	const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: T0 });
	const start = performance.now();
	for (let i = 0; i < N; i++) engine.message(`t${i % THINGS}`, 100, T0 + 1000, TOPICS[i % TOPICS.length]);
	return N / ((performance.now() - start) / 1000);
}

const rows: [string, Behavior[]][] = [
	["4 unscoped behaviors (1 per-message)", BASE],
	["+ 3 scoped window counters", [...BASE, ...SCOPED.slice(0, 3)]],
	["+ 1 more unscoped per-message behavior", [...BASE, { ...PER_MESSAGE, name: "size2" }]],
	["+ 3 scoped counters + 1 scoped per-message", [...BASE, ...SCOPED]],
];
run(BASE); // warm-up (JIT), not reported
let base = 0;
for (const [label, behaviors] of rows) {
	const rate = run(behaviors);
	base ||= rate;
	console.log(`${label.padEnd(46)} ${String(Math.round(rate)).padStart(8)} messages/s (${((rate / base) * 100).toFixed(0)} % of the first)`);
}
