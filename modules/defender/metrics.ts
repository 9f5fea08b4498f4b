/*
 * metrics — custom metrics registered through a typed API. Each metric is a name (checked at
 * registration with the report module's rules) and a collector called when a report is built. A
 * collector that throws or returns a value the report module would refuse is omitted from that
 * report, logged and counted; the report still goes out.
 */
import type { CustomMetricValue } from "../report/model";
import { validateReport } from "../report/model";
import { AgentError, describe } from "./errors";

export type CustomKind = "number" | "number_list" | "string_list" | "ip_list";

interface Entry {
	name: string;
	kind: CustomKind;
	collect: () => unknown;
}

/** Any valid id: names and values are checked by validating a one-metric report. */
const PROBE_ID = 1;

export class CustomMetrics {
	#entries: Entry[] = [];
	#cap: number;

	constructor(maxListSize: number) {
		this.#cap = maxListSize;
	}

	add(name: string, kind: CustomKind, collect: () => unknown): void {
		if (typeof collect !== "function") throw new AgentError("BadOption", `collector for custom metric ${JSON.stringify(name)} must be a function`);
		try {
			validateReport({ reportId: PROBE_ID, customMetrics: { [name]: { number: 0 } } }, this.#cap);
		} catch (error) {
			throw new AgentError("BadMetricName", describe(error));
		}
		for (const e of this.#entries) if (e.name === name) throw new AgentError("DuplicateMetric", `custom metric ${JSON.stringify(name)} is already registered`);
		this.#entries.push({ name, kind, collect });
	}

	/**
	 * Calls every collector; returns the values that passed, or undefined when none did.
	 * `failed(name, message)` is called for each one omitted.
	 */
	collect(failed: (name: string, message: string) => void): Record<string, CustomMetricValue> | undefined {
		let out: Record<string, CustomMetricValue> | undefined;
		for (const e of this.#entries) {
			try {
				const value = this.#value(e);
				out ??= {};
				out[e.name] = value;
			} catch (error) {
				failed(e.name, describe(error));
			}
		}
		return out;
	}

	#value(e: Entry): CustomMetricValue {
		const value = { [e.kind]: e.collect() } as CustomMetricValue;
		validateReport({ reportId: PROBE_ID, customMetrics: { [e.name]: value } }, this.#cap);
		return value;
	}
}
