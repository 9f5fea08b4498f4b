/*
 * definitions — the account-wide Detect definitions behaviors refer to: dimensions (CreateDimension …
 * DeleteDimension) and the custom metric registry (CreateCustomMetric … DeleteCustomMetric). As in AWS, a
 * dimension or custom metric a security profile uses cannot be deleted; the registered type of a custom
 * metric is the only source of its shape. Every change is persisted at once and announced (the Registry
 * rebuilds its bound behaviors).
 */
import { CloudError, ErrorCodes } from "../errors";
import { CUSTOM_METRIC_TYPES, type CustomMetric, type CustomMetricType, type DetectDefinitions } from "./custom-metrics";
import { DIMENSION_NAME, DIMENSION_TYPES, stringValuesProblems, type Dimension, type DimensionType } from "./dimensions";

export interface DefinitionsPersistence {
	saveDimension(d: Dimension): void;
	deleteDimension(name: string): void;
	saveCustomMetric(m: CustomMetric): void;
	deleteCustomMetric(name: string): void;
}

const NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const TOKEN = /^[a-zA-Z0-9_-]{1,64}$/;

export interface DimensionInput {
	name: string;
	type?: unknown;
	stringValues?: unknown;
	clientRequestToken?: unknown;
}

export interface CustomMetricInput {
	metricName: string;
	metricType?: unknown;
	displayName?: unknown;
	clientRequestToken?: unknown;
}

const invalid = (m: string): CloudError => new CloudError(ErrorCodes.InvalidRequest, m);

function token(v: unknown): string | undefined {
	if (v === undefined) return undefined;
	if (typeof v !== "string" || !TOKEN.test(v)) throw invalid("clientRequestToken must be 1-64 characters of [a-zA-Z0-9_-]");
	return v;
}

function displayName(v: unknown): string | undefined {
	if (v === undefined) return undefined;
	if (typeof v !== "string" || v.length > 128) throw invalid("displayName must be a string of at most 128 characters");
	return v;
}

function stringValues(v: unknown): string[] {
	const problems = stringValuesProblems(v);
	if (problems.length) throw invalid(problems.join("; "));
	return v as string[];
}

const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export class Definitions implements DetectDefinitions {
	readonly #dimensions = new Map<string, Dimension>();
	readonly #metrics = new Map<string, CustomMetric>();
	readonly #store: DefinitionsPersistence;
	readonly #now: () => number;
	readonly #changed: (() => void)[] = [];
	/** profiles using a dimension / custom metric (set by the composer once the Registry exists) */
	usedBy: (kind: "dimension" | "metric", name: string) => string[] = () => [];

	constructor(store: DefinitionsPersistence, now: () => number) {
		this.#store = store;
		this.#now = now;
	}

	restore(dimensions: Dimension[], metrics: CustomMetric[]): void {
		for (const d of dimensions) this.#dimensions.set(d.name, d);
		for (const m of metrics) this.#metrics.set(m.metricName, m);
	}

	onChange(cb: () => void): void {
		this.#changed.push(cb);
	}

	dimension(name: string): Dimension | undefined {
		return this.#dimensions.get(name);
	}

	customMetric(name: string): CustomMetric | undefined {
		return this.#metrics.get(name);
	}

	createDimension(input: DimensionInput): Dimension {
		if (!DIMENSION_NAME.test(input.name)) throw invalid("dimension name must match [a-zA-Z0-9:_-]{1,128}");
		if (!DIMENSION_TYPES.includes(input.type as DimensionType)) throw invalid(`type must be ${DIMENSION_TYPES.join(" or ")}`);
		const values = stringValues(input.stringValues);
		const clientRequestToken = token(input.clientRequestToken);
		const old = this.#dimensions.get(input.name);
		if (old) {
			if (clientRequestToken !== undefined && old.clientRequestToken === clientRequestToken && same(old.stringValues, values)) return old;
			throw new CloudError(ErrorCodes.ResourceAlreadyExists, `dimension ${input.name} already exists`);
		}
		const now = this.#now();
		const d: Dimension = { name: input.name, type: input.type as DimensionType, stringValues: [...values], creationDate: now, lastModifiedDate: now, clientRequestToken };
		return this.#putDimension(d);
	}

	describeDimension(name: string): Dimension {
		const d = this.#dimensions.get(name);
		if (!d) throw new CloudError(ErrorCodes.ResourceNotFound, `dimension ${name} does not exist`);
		return d;
	}

	listDimensions(): string[] {
		return [...this.#dimensions.keys()].sort();
	}

	updateDimension(name: string, values: unknown): Dimension {
		const old = this.describeDimension(name);
		return this.#putDimension({ ...old, stringValues: [...stringValues(values)], lastModifiedDate: this.#now() });
	}

	/** Refused while a security profile uses it (as AWS); deleting a dimension that does not exist is a no-op. */
	deleteDimension(name: string): void {
		const users = this.usedBy("dimension", name);
		if (users.length) throw invalid(`dimension ${name} is used by security profile(s) ${users.join(", ")}: remove it from their behaviors first`);
		if (!this.#dimensions.delete(name)) return;
		this.#store.deleteDimension(name);
		this.#announce();
	}

	createCustomMetric(input: CustomMetricInput): CustomMetric {
		if (!NAME.test(input.metricName) || input.metricName.startsWith("aws:")) throw invalid("metricName must match [a-zA-Z0-9:_-]{1,128} and not start with aws:");
		if (!CUSTOM_METRIC_TYPES.includes(input.metricType as CustomMetricType)) throw invalid(`metricType must be one of ${CUSTOM_METRIC_TYPES.join(", ")}`);
		const name = displayName(input.displayName);
		const clientRequestToken = token(input.clientRequestToken);
		const old = this.#metrics.get(input.metricName);
		if (old) {
			if (clientRequestToken !== undefined && old.clientRequestToken === clientRequestToken && old.metricType === input.metricType) return old;
			throw new CloudError(ErrorCodes.ResourceAlreadyExists, `custom metric ${input.metricName} already exists`);
		}
		const now = this.#now();
		const m: CustomMetric = { metricName: input.metricName, metricType: input.metricType as CustomMetricType, displayName: name, creationDate: now, lastModifiedDate: now, clientRequestToken };
		return this.#putMetric(m);
	}

	describeCustomMetric(name: string): CustomMetric {
		const m = this.#metrics.get(name);
		if (!m) throw new CloudError(ErrorCodes.ResourceNotFound, `custom metric ${name} does not exist`);
		return m;
	}

	listCustomMetrics(): string[] {
		return [...this.#metrics.keys()].sort();
	}

	/** Only the display name changes (the type is fixed at creation, as in AWS). */
	updateCustomMetric(name: string, newDisplayName: unknown): CustomMetric {
		const old = this.describeCustomMetric(name);
		if (newDisplayName === undefined) throw invalid("displayName is required");
		return this.#putMetric({ ...old, displayName: displayName(newDisplayName), lastModifiedDate: this.#now() });
	}

	/** Refused while a security profile uses it (AWS: remove it from every profile first); unknown name = no-op. */
	deleteCustomMetric(name: string): void {
		const users = this.usedBy("metric", name);
		if (users.length) throw invalid(`custom metric ${name} is used by security profile(s) ${users.join(", ")}: remove it from their behaviors first`);
		if (!this.#metrics.delete(name)) return;
		this.#store.deleteCustomMetric(name);
		this.#announce();
	}

	#putDimension(d: Dimension): Dimension {
		this.#dimensions.set(d.name, d);
		this.#store.saveDimension(d);
		this.#announce();
		return d;
	}

	#putMetric(m: CustomMetric): CustomMetric {
		this.#metrics.set(m.metricName, m);
		this.#store.saveCustomMetric(m);
		this.#announce();
		return m;
	}

	#announce(): void {
		for (const cb of this.#changed) cb();
	}
}
