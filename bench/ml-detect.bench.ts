/*
 * ML Detect bench — precision and recall of ML behaviors (HIGH, MEDIUM, LOW) beside a p99 statistical
 * threshold on the same data: a seeded synthetic fleet (bench/ml/fleet.ts: 100 devices, 14 days of history,
 * 7 days evaluated, diurnal traffic, bursty devices, drift, a firmware step, injected floods, exfiltration,
 * port scans and beaconing), run through the real DetectEngine with the models trained and retrained daily
 * from the fleet's own history (bench/ml/simulate.ts). Scoring: bench/ml/score.ts.
 * Goals: HIGH precision ≥ 0.95 with recall ≥ the baseline's; LOW ≥ MEDIUM ≥ HIGH in recall and
 * HIGH ≥ MEDIUM ≥ LOW in precision.
 */
import { ML_DEFAULTS, type Level } from "../cloud/detect/ml/options";
import type { Behavior, SecurityProfile } from "../cloud/detect/profile";
import { BENCH_METRICS, Fleet } from "./ml/fleet";
import { scoreAlarms, type Score } from "./ml/score";
import { simulate } from "./ml/simulate";

const SEED = Number(process.env.ML_BENCH_SEED ?? 42);
const DEVICES = 100;
const TRAIN_DAYS = 14;
const EVAL_DAYS = 7;
const T0 = Date.UTC(2026, 0, 5);
const LEVELS: Level[] = ["HIGH", "MEDIUM", "LOW"];
const short = (m: string): string => m.replace(/^aws:/, "").replace(/[^a-z0-9]/g, "-");

const mlProfile = (level: Level): SecurityProfile => ({
	securityProfileName: `ml-${level}`,
	behaviors: BENCH_METRICS.map((metric): Behavior => ({ name: short(metric), metric, criteria: { mlDetectionConfig: { confidenceLevel: level } } })),
});

const baseline: SecurityProfile = {
	securityProfileName: "p99",
	behaviors: BENCH_METRICS.map((metric): Behavior => ({
		name: short(metric),
		metric,
		criteria: { comparisonOperator: "less-than-equals", statisticalThreshold: { statistic: "p99" }, durationSeconds: 300 },
	})),
};

const started = performance.now();
const fleet = new Fleet(SEED, DEVICES, T0, TRAIN_DAYS, EVAL_DAYS);
const { events, summaries } = simulate(fleet, ML_DEFAULTS, [...LEVELS.map(mlProfile), baseline]);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const active = summaries.filter((s) => s.modelStatus === "ACTIVE").length;
console.log(`fleet seed ${SEED}: ${DEVICES} devices, ${TRAIN_DAYS} days of history, ${EVAL_DAYS} days evaluated, ${fleet.episodes.length} anomaly episodes; ${active}/${summaries.length} models ACTIVE; ${seconds} s`);

const scores = new Map<string, Score>();
const pct = (x: number): string => x.toFixed(3);
console.log("profile    alarms  TP    precision  recall  (flood exfiltration port-scan beaconing)");
for (const name of [...LEVELS.map((l) => `ml-${l}`), "p99"]) {
	const s = scoreAlarms(events.get(name) ?? [], fleet.episodes);
	scores.set(name, s);
	const k = s.recallByKind;
	const kinds = [k.flood, k.exfiltration, k["port-scan"], k.beaconing].map((x) => pct(x ?? 0)).join(" ");
	console.log(`${name.padEnd(10)} ${String(s.alarms).padStart(6)} ${String(s.truePositives).padStart(4)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}  (${kinds})`);
}

const get = (n: string): Score => scores.get(n) as Score;
const [high, medium, low, base] = [get("ml-HIGH"), get("ml-MEDIUM"), get("ml-LOW"), get("p99")];
const checks: [boolean, string][] = [
	[active === summaries.length, "every ML model ACTIVE within an hour after 14 days of history"],
	[high.precision >= 0.95, `HIGH precision ${pct(high.precision)} >= 0.95`],
	[high.recall >= base.recall, `HIGH recall ${pct(high.recall)} >= p99 baseline recall ${pct(base.recall)}`],
	[low.recall >= medium.recall && medium.recall >= high.recall, "recall ordered LOW >= MEDIUM >= HIGH"],
	[low.alarms >= medium.alarms && medium.alarms >= high.alarms, "alarms ordered LOW >= MEDIUM >= HIGH"],
	[high.precision >= medium.precision && medium.precision >= low.precision, "precision ordered HIGH >= MEDIUM >= LOW"],
];
for (const [ok, what] of checks) console.log(`${ok ? "PASS" : "FAIL"}: ${what}`);
process.exitCode = checks.every(([ok]) => ok) ? 0 : 1;
