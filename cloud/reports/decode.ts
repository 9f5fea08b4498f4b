/*
 * decode — turns a report payload (JSON or CBOR, long or short keys) into its header and the Detect
 * metric values it carries. Parsing is strict (./formats: UTF-8, duplicate keys, exact integers);
 * validation is the ajv schema of ./schema, then the report id must have been written as an integer.
 * Any failure is one DecodeError (the reply says "Malformed metrics report"; `detail` says why, for
 * the log). The reply echoes the report id only when it is itself valid.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { LIMITS } from "../../modules/facts/facts";
import type { MetricValue } from "../detect/metric-value";
import { FORMATS, type ReportFormat } from "./formats";
import type { ParsedDoc } from "./parsed";
import { KEYS, REMOTE_ADDR, REMOTE_ADDR_FORMAT, reportSchema, type KeyStyle, type LongKey } from "./schema";

export type { ReportFormat };

export interface DecodedReport {
	reportId: number;
	version: string;
	/** metric name (aws:… or custom) → value, only for blocks present in the report */
	values: Map<string, MetricValue>;
}

export class DecodeError extends Error {
	readonly code = "InvalidPayload";
	readonly detail: string;
	readonly reportId: number | undefined;

	constructor(detail: string, reportId?: number) {
		super("Malformed metrics report");
		this.detail = detail;
		this.reportId = reportId;
	}
}

type Doc = Record<string, unknown>;
type Reader = (doc: unknown, key: LongKey) => Doc | undefined;

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });
ajv.addFormat(REMOTE_ADDR, REMOTE_ADDR_FORMAT);
const validators: Record<KeyStyle, ValidateFunction> = {
	long: ajv.compile(reportSchema("long")),
	short: ajv.compile(reportSchema("short")),
};

function parse(payload: Uint8Array, format: ReportFormat): ParsedDoc {
	try {
		return FORMATS[format].parse(payload);
	} catch (e) {
		throw new DecodeError(`cannot decode ${format}: ${(e as Error).message}`);
	}
}

function styleOf(doc: unknown): KeyStyle {
	if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new DecodeError("report is not a map");
	const d = doc as Doc;
	if ("header" in d && "hed" in d) throw new DecodeError("report mixes long and short keys");
	return "hed" in d ? "short" : "long";
}

function readerFor(style: KeyStyle): Reader {
	return (doc, key) => (doc as Doc | undefined)?.[style === "long" ? key : KEYS[key]] as Doc | undefined;
}

/** The address of a validated remote_addr ("a.b.c.d:port" or "[v6]:port"). */
function ipOf(remoteAddr: string): string {
	return remoteAddr.startsWith("[") ? remoteAddr.slice(1, remoteAddr.lastIndexOf("]")) : remoteAddr.slice(0, remoteAddr.lastIndexOf(":"));
}

function listening(values: Map<string, MetricValue>, block: Doc | undefined, proto: "tcp" | "udp", get: Reader): void {
	if (!block) return;
	const entries = (get(block, "ports") as unknown as Doc[] | undefined) ?? [];
	const ports = entries.map((p) => get(p, "port") as unknown as number | undefined).filter((p): p is number => p !== undefined);
	values.set(`aws:listening-${proto}-ports`, { ports });
	const total = get(block, "total") as unknown as number | undefined;
	values.set(`aws:num-listening-${proto}-ports`, { count: total ?? entries.length });
}

function connections(values: Map<string, MetricValue>, metrics: Doc, get: Reader): void {
	const established = get(get(metrics, "tcp_connections"), "established_connections");
	if (!established) return;
	const list = (get(established, "connections") as unknown as Doc[] | undefined) ?? [];
	values.set("aws:destination-ip-addresses", { cidrs: list.map((c) => ipOf(get(c, "remote_addr") as unknown as string)) });
	const total = get(established, "total") as unknown as number | undefined;
	values.set("aws:num-established-tcp-connections", { count: total ?? list.length });
}

const STATS: [LongKey, string][] = [
	["bytes_in", "aws:all-bytes-in"],
	["bytes_out", "aws:all-bytes-out"],
	["packets_in", "aws:all-packets-in"],
	["packets_out", "aws:all-packets-out"],
];

function deviceValues(values: Map<string, MetricValue>, metrics: Doc | undefined, get: Reader): void {
	if (!metrics) return;
	connections(values, metrics, get);
	listening(values, get(metrics, "listening_tcp_ports"), "tcp", get);
	listening(values, get(metrics, "listening_udp_ports"), "udp", get);
	const stats = get(metrics, "network_stats");
	for (const [key, metric] of STATS) {
		const n = get(stats, key) as unknown as number | undefined;
		if (n !== undefined) values.set(metric, { count: n });
	}
}

function customValues(values: Map<string, MetricValue>, custom: Doc | undefined): void {
	for (const [name, arr] of Object.entries(custom ?? {})) {
		const v = (arr as Doc[])[0] as { number?: number; number_list?: number[]; string_list?: string[]; ip_list?: string[] };
		if (v.number !== undefined) values.set(name, { number: v.number });
		else if (v.number_list) values.set(name, { numbers: v.number_list });
		else if (v.string_list) values.set(name, { strings: v.string_list });
		else values.set(name, { cidrs: v.ip_list });
	}
}

/** The header's report id when it is a valid one (an integer 1..LIMITS.maxReportId written as an integer). */
function validReportId(parsed: ParsedDoc, header: unknown, key: string): number | undefined {
	if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined;
	const rid = (header as Doc)[key];
	if (typeof rid !== "number" || !Number.isInteger(rid) || rid < 1 || rid > LIMITS.maxReportId) return undefined;
	return parsed.floats.get(header)?.has(key) ? undefined : rid;
}

/** Decodes and validates one report; throws DecodeError when malformed. */
export function decodeReport(payload: Uint8Array, format: ReportFormat): DecodedReport {
	const parsed = parse(payload, format);
	const doc = parsed.value;
	const style = styleOf(doc);
	const get = readerFor(style);
	const header = get(doc, "header");
	const ridKey = style === "long" ? "report_id" : KEYS.report_id;
	const reportId = validReportId(parsed, header, ridKey);
	const validate = validators[style];
	if (!validate(doc)) {
		const err = validate.errors?.[0];
		throw new DecodeError(`${err?.instancePath || "/"} ${err?.message ?? "invalid"}`, reportId);
	}
	if (reportId === undefined) throw new DecodeError(`/${style === "long" ? "header" : KEYS.header}/${ridKey} is written as a float, not an integer`);
	const values = new Map<string, MetricValue>();
	deviceValues(values, get(doc, "metrics"), get);
	customValues(values, get(doc, "custom_metrics"));
	return { reportId, version: get(header, "version") as unknown as string, values };
}
