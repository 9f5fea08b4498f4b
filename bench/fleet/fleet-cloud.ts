/*
 * fleet-cloud — the cloud the fleet-scale bench drives: startCloud() on a data dir (persistence on, the
 * embedded aedes broker on an ephemeral port, replies published through it) with a virtual clock whose
 * timers the bench fires itself, the seed profile (profiles/CheckRogueDevices.json) and a second profile
 * with a p90 statistical behavior and 8 more behaviors, both attached to every thing. Reports enter through
 * the hook aedes calls for an authorized PUBLISH (BrokerHooks.fromDevice).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { startCloud, ALL_THINGS_ARN, type ApiCloud } from "../../cloud/index";
import type { TimerHandle } from "../../modules/platform/platform";
import { reportTopic } from "../../cloud/reports/topics";

export const T0 = Date.UTC(2026, 0, 1);
export const INTERVAL_MS = 300_000;

const SEED = resolve(import.meta.dirname, "../../profiles/CheckRogueDevices.json");

export const FLEET_BEHAVIORS = [
	{ name: "p90BytesIn", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than-equals", statisticalThreshold: { statistic: "p90" }, durationSeconds: 300 } },
	{ name: "pi", metric: "aws:all-packets-in", criteria: { comparisonOperator: "less-than-equals", value: { count: 1e6 } } },
	{ name: "po", metric: "aws:all-packets-out", criteria: { comparisonOperator: "less-than-equals", value: { count: 1e6 } } },
	{ name: "tp", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [22, 443, 8883] } } },
	{ name: "up", metric: "aws:listening-udp-ports", criteria: { comparisonOperator: "not-in-port-set", value: { ports: [69] } } },
	{ name: "ntp", metric: "aws:num-listening-tcp-ports", criteria: { comparisonOperator: "less-than", value: { count: 10 } } },
	{ name: "ec", metric: "aws:num-established-tcp-connections", criteria: { comparisonOperator: "less-than", value: { count: 20 } } },
	{ name: "dst", metric: "aws:destination-ip-addresses", criteria: { comparisonOperator: "in-cidr-set", value: { cidrs: ["10.0.0.0/8", "192.168.0.0/16"] } } },
	{ name: "cpu", metric: "cpu", criteria: { comparisonOperator: "less-than", value: { number: 90 } } },
];

/** A virtual clock: the bench sets the time and fires due timers (the cloud's minute tick) itself. */
export class BenchClock {
	now = T0;
	#timers = new Map<number, { at: number; cb: () => void }>();
	#next = 1;

	clock = {
		now: (): number => this.now,
		ticks: (): number => performance.now(),
		set: (cb: () => void, ms: number): TimerHandle => {
			const id = this.#next++;
			this.#timers.set(id, { at: this.now + ms, cb });
			return id as unknown as TimerHandle;
		},
		clear: (h: TimerHandle | undefined): void => {
			this.#timers.delete(h as unknown as number);
		},
	};

	/** Runs the timers due by now; returns how many ran. */
	fire(): number {
		const due = [...this.#timers].filter(([, t]) => t.at <= this.now);
		for (const [id, t] of due) {
			this.#timers.delete(id);
			t.cb();
		}
		return due.length;
	}
}

export function thingName(i: number): string {
	return `fleet-${i.toString().padStart(7, "0")}`;
}

/** A device report of round `round` (report id round+1); `variant` spreads aws:all-bytes-in over the fleet. */
export function reportPayload(round: number, variant: number): Buffer {
	return Buffer.from(
		JSON.stringify({
			hed: { rid: round + 1, v: "1.0" },
			met: {
				tp: { pts: [{ pt: 443 }, { pt: 8883 }], t: 2 },
				up: { pts: [{ pt: 5353 }], t: 1 },
				ns: { bi: 1000 + variant * 37, bo: 2000, pi: 10, po: 12 },
				tc: { ec: { cs: [{ rad: "10.0.0.5:8883", lp: 50000 }], t: 1 } },
			},
			cmet: { cpu: [{ number: (round * 7 + variant) % 80 }] },
		}),
	);
}

export interface FleetCloud {
	cloud: ApiCloud;
	clock: BenchClock;
	log: { lines: number; last: string };
	/** replies published since start */
	replies: { n: number };
}

export async function startFleetCloud(dataDir: string, pkiDir: string, clock: BenchClock, profiles: boolean): Promise<FleetCloud> {
	const log = { lines: 0, last: "" };
	const cloud = await startCloud({
		dataDir,
		pkiDir,
		port: 0,
		clock: clock.clock,
		log: (s) => {
			log.lines++;
			log.last = s;
		},
	});
	const replies = { n: 0 };
	cloud.onReply(() => {
		replies.n++;
	});
	if (profiles) {
		// the `cpu` behavior's custom metric must be defined first (custom metrics registry, definitions.ts)
		cloud.definitions.createCustomMetric({ metricName: "cpu", metricType: "number" });
		cloud.createSecurityProfile(JSON.parse(readFileSync(SEED, "utf8")));
		cloud.attachSecurityProfile("CheckRogueDevices", ALL_THINGS_ARN);
		cloud.createSecurityProfile({ securityProfileName: "FleetScale", behaviors: FLEET_BEHAVIORS });
		cloud.attachSecurityProfile("FleetScale", ALL_THINGS_ARN);
	}
	return { cloud, clock, log, replies };
}

/** Feeds reports of round `round` for things [from, to) through the broker hook, yielding every `slice`. */
export async function ingest(f: FleetCloud, round: number, from: number, to: number, slice = 1000): Promise<void> {
	const hooks = f.cloud.hooks();
	const payloads = Array.from({ length: 16 }, (_, v) => reportPayload(round, v));
	for (let i = from; i < to; i++) {
		const name = thingName(i);
		hooks.fromDevice(name, reportTopic(name, "json"), payloads[i % 16]);
		if ((i - from) % slice === slice - 1) await new Promise<void>((r) => setImmediate(r));
	}
	await new Promise<void>((r) => setImmediate(r));
}
