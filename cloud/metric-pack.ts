/*
 * metric-pack — the packed value column of the metric history (store-fleet.ts): the metrics of one report as
 * one CBOR array [metric id, shape, payload, metric id, shape, payload, …], the shape a small integer
 * naming the MetricValue field (count, number, cidrs, ports, numbers, strings). Blobs appended to one
 * another (two rows merged on the same key) decode as the concatenation of their datapoints.
 */
import { Decoder, Encoder } from "cbor-x";
import type { MetricValue } from "./detect/metric-value";

const SHAPES = ["count", "number", "cidrs", "ports", "numbers", "strings"] as const;
type Shape = (typeof SHAPES)[number];

const encoder = new Encoder({ useRecords: false, structuredClone: false, pack: false, variableMapSize: true });
const decoder = new Decoder({ useRecords: false, structuredClone: false, mapsAsObjects: true });

export function packValues(values: [number, MetricValue][]): Buffer {
	const out: unknown[] = [];
	for (const [metric, value] of values) {
		const fields = Object.keys(value) as Shape[];
		const shape = fields.length === 1 ? SHAPES.indexOf(fields[0]) : -1;
		// a value of another shape (never produced by the decoders) is kept whole
		out.push(metric, shape, shape < 0 ? value : value[fields[0]]);
	}
	return encoder.encode(out);
}

export function unpackValues(data: Uint8Array): [number, MetricValue][] {
	const out: [number, MetricValue][] = [];
	for (const part of decoder.decodeMultiple(data) as unknown[][]) {
		for (let i = 0; i + 2 < part.length; i += 3) {
			const shape = part[i + 1] as number;
			const value = shape < 0 ? (part[i + 2] as MetricValue) : ({ [SHAPES[shape]]: part[i + 2] } as MetricValue);
			out.push([part[i] as number, value]);
		}
	}
	return out;
}
