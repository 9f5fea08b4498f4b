/*
 * metrics — custom metrics registered through a typed API. Each metric is a name (checked at
 * registration with the report module's rule, checkMetricName: no probe report, so registering
 * allocates only the entry) and a collector called when a report is built. A
 * collector that throws or returns a value the report module would refuse is omitted from that
 * report, logged and counted; the report still goes out.
 */
import type { CustomMetricValue } from "../report/model";
import { checkCustomValue, checkMetricName } from "../report/model";
import { AgentError, describe } from "./errors";

export type CustomKind = "number" | "number_list" | "string_list" | "ip_list";

/** Registrations as three parallel arrays, not one object each: fewer live slots on XS. */
export class CustomMetrics {
	#names: string[] = [];
	#kinds: CustomKind[] = [];
	#collectors: (() => unknown)[] = [];
	#cap: number;

	constructor(maxListSize: number) {
		this.#cap = maxListSize;
	}

	add(name: string, kind: CustomKind, collect: () => unknown): void {
		if (typeof collect !== "function") throw new AgentError("BadOption", `collector for custom metric ${JSON.stringify(name)} must be a function`);
		try {
			checkMetricName(name);
		} catch (error) {
			throw new AgentError("BadMetricName", describe(error));
		}
		if (this.#names.includes(name)) throw new AgentError("DuplicateMetric", `custom metric ${JSON.stringify(name)} is already registered`);
		this.#names.push(name);
		this.#kinds.push(kind);
		this.#collectors.push(collect);
	}

	/**
	 * Calls every collector; returns the values that passed, or undefined when none did.
	 * `failed(name, message)` is called for each one omitted.
	 */
	collect(failed: (name: string, message: string) => void): Record<string, CustomMetricValue> | undefined {
		let out: Record<string, CustomMetricValue> | undefined;
		const names = this.#names;
		for (let i = 0; i < names.length; i++) {
			try {
				const value = { [this.#kinds[i]]: this.#collectors[i]() } as CustomMetricValue;
				checkCustomValue(value, names[i], this.#cap);
				out ??= {};
				out[names[i]] = value;
			} catch (error) {
				failed(names[i], describe(error));
			}
		}
		return out;
	}
}
