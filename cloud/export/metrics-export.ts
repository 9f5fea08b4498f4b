/*
 * metrics-export — Detect's metrics export: every datapoint a behavior with `exportMetric: true` is
 * evaluated on, in a profile with `metricsExportConfig`, is published on the cloud's broker to
 * `metricsExportConfig.mqttTopic` in AWS's batched export shape:
 *   {"version":"1.0","metrics":[{"name","thing","value":{…},"version":1,"timestamp":<epoch ms>,"dimension"?}]}
 * Datapoints are batched per topic: one message per event-loop turn (a report, a window close), at most
 * BATCH_MAX metrics each. The timestamp is the report's arrival for device-side metrics and the window
 * close for cloud-side ones (as AWS's schema says). The same metric of the same thing at the same time,
 * evaluated by two exported behaviors of one profile, is exported once. `roleArn` is kept, not used
 * (there is no IAM here). A failed publish is logged with the number of metrics it carried.
 */
import type { EvaluatedDatapoint } from "../detect/engine";
import type { MetricValue } from "../detect/metric-value";

export const BATCH_MAX = 100;

export interface ExportedMetric {
	name: string;
	thing: string;
	value: MetricValue;
	version: number;
	timestamp: number;
	dimension?: { name: string; operator: string };
}

export interface MetricsExportDeps {
	publish(topic: string, payload: Buffer): Promise<void>;
	log: (s: string) => void;
	/** an external broker: its ACL decides, unseen by the cloud, whether Detect's client may publish there (warned once per topic) */
	external?: boolean;
}

export class MetricsExport {
	readonly #d: MetricsExportDeps;
	readonly #pending = new Map<string, Map<string, ExportedMetric>>();
	readonly #warned = new Set<string>();
	#scheduled = false;
	/** metrics published so far (all topics) */
	exported = 0;

	constructor(deps: MetricsExportDeps) {
		this.#d = deps;
	}

	/** The engine's evaluation listener (DetectEngine.onEvaluated). */
	readonly evaluated = (d: EvaluatedDatapoint): void => {
		const config = d.bound.profile.metricsExportConfig;
		const b = d.bound.behavior;
		if (!config || b.exportMetric !== true || b.metric === undefined) return;
		const m: ExportedMetric = { name: b.metric, thing: d.thing, value: d.value, version: 1, timestamp: d.time };
		if (b.metricDimension) m.dimension = { name: b.metricDimension.dimensionName, operator: b.metricDimension.operator ?? "IN" };
		let batch = this.#pending.get(config.mqttTopic);
		if (!batch) this.#pending.set(config.mqttTopic, (batch = new Map()));
		batch.set(`${d.bound.profile.securityProfileName}\u0000${m.name}\u0000${m.thing}\u0000${m.timestamp}\u0000${m.dimension?.name ?? ""}`, m);
		this.#schedule();
	};

	/** Publishes everything pending now (also runs after each event-loop turn). */
	flush(): void {
		this.#scheduled = false;
		for (const [topic, batch] of this.#pending) {
			const metrics = [...batch.values()];
			for (let i = 0; i < metrics.length; i += BATCH_MAX) this.#publish(topic, metrics.slice(i, i + BATCH_MAX));
		}
		this.#pending.clear();
	}

	#publish(topic: string, metrics: ExportedMetric[]): void {
		if (this.#d.external && !this.#warned.has(topic)) {
			this.#warned.add(topic);
			this.#d.log(`export: metrics to ${topic} go through the external broker as defender-detect: its ACL must allow that publish (the generated configs do not), or they are dropped unseen`);
		}
		const payload = Buffer.from(JSON.stringify({ version: "1.0", metrics }));
		this.#d.publish(topic, payload).then(
			() => (this.exported += metrics.length),
			(e: Error) => this.#d.log(`export: ${metrics.length} metrics to ${topic} not published: ${e.message}`),
		);
	}

	#schedule(): void {
		if (this.#scheduled) return;
		this.#scheduled = true;
		setImmediate(() => this.flush());
	}
}
