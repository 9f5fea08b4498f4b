/*
 * model — the one report model every encoding is written from, and its validation. Validation runs
 * before any byte is written and refuses bad input with a ReportError naming what is wrong.
 */
import { LIMITS } from "../facts/facts";
import type { EstablishedConnection, ListeningPort } from "../netdriver/netdriver";
import type { NetStats } from "../sampler/sampler";
import { ReportError } from "./errors";
import { isIP, isRemoteAddr } from "./ip";

export type CustomMetricValue = { number: number } | { number_list: number[] } | { string_list: string[] } | { ip_list: string[] };

export interface ReportModel {
	/** Positive safe integer, strictly increasing per thing (epoch ms recommended). */
	reportId: number;
	listeningTcpPorts?: ListeningPort[];
	listeningUdpPorts?: ListeningPort[];
	connections?: EstablishedConnection[];
	networkStats?: NetStats;
	customMetrics?: Record<string, CustomMetricValue>;
	/**
	 * True counts of sockets when the driver listed only some (a fixed-size C table): written as
	 * `total` instead of the list's length. Each is at least its list's length.
	 */
	totals?: ListTotals;
}

export interface ListTotals {
	listeningTcpPorts?: number;
	listeningUdpPorts?: number;
	connections?: number;
}

export interface EncodeOptions {
	/** Longest port / connection list written (the true count goes in `total`); longest custom list accepted. Default 50. */
	maxListSize?: number;
	/**
	 * Largest report in bytes, default and at most LIMITS.maxPayloadBytes (AWS IoT's 128 KB): port and
	 * connection lists are cut shorter until the report fits (their `total` stays true); a report that
	 * does not fit even with empty lists is refused (TooLarge).
	 */
	maxBytes?: number;
}

export const DEFAULT_MAX_LIST_SIZE = 50;

const METRIC_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/** Checks the options and returns the list cap. */
export function listCap(options: EncodeOptions | undefined): number {
	const cap = options?.maxListSize ?? DEFAULT_MAX_LIST_SIZE;
	if (!Number.isInteger(cap) || cap < 1) throw new ReportError("BadOption", `maxListSize must be a positive integer, got ${cap}`);
	return cap;
}

/** Checks the options and returns the largest report size. */
export function byteCap(options: EncodeOptions | undefined): number {
	const max = options?.maxBytes ?? LIMITS.maxPayloadBytes;
	if (!Number.isInteger(max) || max < 1 || max > LIMITS.maxPayloadBytes) throw new ReportError("BadOption", `maxBytes must be an integer 1..${LIMITS.maxPayloadBytes}, got ${max}`);
	return max;
}

/**
 * Writes the report with its port and connection lists cut at `cap` items, then at fewer until it
 * fits in `max` bytes. `write(cut)` returns the bytes (a view valid until the next write).
 */
export function fitReport(model: ReportModel, cap: number, max: number, write: (cut: number) => Uint8Array): Uint8Array {
	let cut = Math.min(cap, Math.max(model.listeningTcpPorts?.length ?? 0, model.listeningUdpPorts?.length ?? 0, model.connections?.length ?? 0));
	for (;;) {
		const bytes = write(cut);
		if (bytes.length <= max) return bytes;
		if (cut === 0) throw new ReportError("TooLarge", `report needs ${bytes.length} bytes even with empty port and connection lists, more than the ${max} allowed`);
		cut = Math.min(cut - 1, Math.floor((cut * max) / bytes.length));
	}
}

/** Throws a ReportError for the first thing wrong in `model`. */
export function validateReport(model: ReportModel, cap: number): void {
	if (typeof model !== "object" || model === null) throw new ReportError("BadModel", "report model must be an object");
	const id = model.reportId;
	if (!Number.isSafeInteger(id) || id <= 0 || id > LIMITS.maxReportId) throw new ReportError("BadReportId", `reportId must be an integer 1..2^53 - 1 (${LIMITS.maxReportId}), got ${String(id)}`);
	if (model.listeningTcpPorts !== undefined) checkPorts(model.listeningTcpPorts, "listeningTcpPorts");
	if (model.listeningUdpPorts !== undefined) checkPorts(model.listeningUdpPorts, "listeningUdpPorts");
	if (model.connections !== undefined) checkConnections(model.connections);
	if (model.networkStats !== undefined) checkNetStats(model.networkStats);
	if (model.customMetrics !== undefined) checkCustomMetrics(model.customMetrics, cap);
	if (model.totals !== undefined) checkTotals(model);
}

function checkTotal(total: unknown, list: unknown[] | undefined, what: string): void {
	if (total === undefined) return;
	if (list === undefined || typeof total !== "number" || !Number.isSafeInteger(total) || total < list.length) throw new ReportError("BadModel", `totals.${what} must be an integer no less than the length of ${what}, got ${String(total)}`);
}

function checkTotals(model: ReportModel): void {
	const t = model.totals;
	checkObject(t, "totals");
	checkTotal(t.listeningTcpPorts, model.listeningTcpPorts, "listeningTcpPorts");
	checkTotal(t.listeningUdpPorts, model.listeningUdpPorts, "listeningUdpPorts");
	checkTotal(t.connections, model.connections, "connections");
}

/**
 * Text is written as UTF-8, where a lone UTF-16 surrogate has no form: JSON.stringify would escape
 * it, the CBOR writer would replace it. Both encoders refuse it instead (nothing changed silently).
 */
function checkText(value: string, what: string): void {
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c < 0xd800 || c > 0xdfff) continue;
		const next = value.charCodeAt(i + 1);
		if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
		else throw new ReportError("BadText", `${what} has a lone UTF-16 surrogate at index ${i} (not representable in UTF-8)`);
	}
}

/** "what[i].field", built only when a check fails. */
function at(what: string, i: number, field?: string): string {
	return `${what}[${i}]${field === undefined ? "" : `.${field}`}`;
}

function checkList(list: unknown, what: string): asserts list is unknown[] {
	if (!Array.isArray(list)) throw new ReportError("BadModel", `${what} must be an array`);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null;
}

function checkObject(value: unknown, what: string): asserts value is Record<string, unknown> {
	if (!isObject(value)) throw new ReportError("BadModel", `${what} must be an object`);
}

function checkPort(port: unknown, what: string, i: number, field: string): void {
	if (typeof port === "number" && port >= 0 && port <= 65535 && Math.floor(port) === port) return;
	if (typeof port === "number" && !Number.isFinite(port)) throw new ReportError("NotFinite", `${at(what, i, field)} is ${port}`);
	throw new ReportError("BadPort", `${at(what, i, field)} must be an integer 0..65535, got ${String(port)}`);
}

function checkInterface(name: unknown, what: string, i: number, field: string): void {
	if (name === undefined) return;
	if (typeof name !== "string") throw new ReportError("BadInterface", `${at(what, i, field)} must be a string`);
	checkText(name, at(what, i, field));
}

function checkPorts(ports: ListeningPort[], what: string): void {
	checkList(ports, what);
	for (let i = 0; i < ports.length; i++) {
		const p = ports[i];
		if (!isObject(p)) throw new ReportError("BadModel", `${at(what, i)} must be an object`);
		checkPort(p.port, what, i, "port");
		checkInterface(p.interface, what, i, "interface");
	}
}

function checkConnections(connections: EstablishedConnection[]): void {
	checkList(connections, "connections");
	for (let i = 0; i < connections.length; i++) {
		const c = connections[i];
		if (!isObject(c)) throw new ReportError("BadModel", `${at("connections", i)} must be an object`);
		if (typeof c.remoteAddr !== "string" || !isRemoteAddr(c.remoteAddr)) throw new ReportError("BadRemoteAddr", `${at("connections", i, "remoteAddr")} must be "ip:port" or "[ipv6]:port", got ${String(c.remoteAddr)}`);
		if (c.localPort !== undefined) checkPort(c.localPort, "connections", i, "localPort");
		checkInterface(c.localInterface, "connections", i, "localInterface");
	}
}

function checkCount(v: unknown, field: string): void {
	if (typeof v === "number" && v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) return;
	if (typeof v === "number" && !Number.isFinite(v)) throw new ReportError("NotFinite", `networkStats.${field} is ${v}`);
	throw new ReportError("BadNetworkStats", `networkStats.${field} must be a non-negative integer, got ${String(v)}`);
}

function checkNetStats(stats: NetStats): void {
	checkObject(stats, "networkStats");
	checkCount(stats.bytesIn, "bytesIn");
	checkCount(stats.bytesOut, "bytesOut");
	checkCount(stats.packetsIn, "packetsIn");
	checkCount(stats.packetsOut, "packetsOut");
}

/** Throws ReportError BadMetricName unless `name` is a valid custom metric name. */
export function checkMetricName(name: string): void {
	if (typeof name !== "string" || !METRIC_NAME.test(name) || name.startsWith("aws:")) throw new ReportError("BadMetricName", `custom metric name ${JSON.stringify(name)} must match [a-zA-Z0-9:_-]{1,128} and not start with "aws:"`);
}

function checkCustomMetrics(metrics: Record<string, CustomMetricValue>, cap: number): void {
	checkObject(metrics, "customMetrics");
	for (const name of Object.keys(metrics)) {
		checkMetricName(name);
		checkCustomValue(metrics[name], name, cap);
	}
}

/** Throws a ReportError unless `value` is a valid value of the custom metric `name`. */
export function checkCustomValue(value: CustomMetricValue, name: string, cap: number): void {
	checkObject(value, `custom metric ${name}`);
	const keys = Object.keys(value);
	if (keys.length !== 1) throw new ReportError("BadMetricValue", `custom metric ${name} must have exactly one of number, number_list, string_list, ip_list`);
	if ("number" in value) return checkNumber(value.number, name);
	const list = "number_list" in value ? value.number_list : "string_list" in value ? value.string_list : "ip_list" in value ? value.ip_list : undefined;
	if (list === undefined) throw new ReportError("BadMetricValue", `custom metric ${name} has unknown kind ${keys[0]}`);
	if (!Array.isArray(list)) throw new ReportError("BadMetricValue", `custom metric ${name} ${keys[0]} must be an array`);
	if (list.length > cap) throw new ReportError("ListTooLong", `custom metric ${name} has ${list.length} values, more than maxListSize ${cap}`);
	for (const item of list) checkListItem(keys[0], item, name);
}

function checkListItem(kind: string, item: unknown, name: string): void {
	if (kind === "number_list") return checkNumber(item, name);
	if (typeof item !== "string") throw new ReportError("BadMetricValue", `custom metric ${name} ${kind} values must be strings`);
	checkText(item, `custom metric ${name}`);
	if (kind === "ip_list" && !isIP(item)) throw new ReportError("BadIp", `custom metric ${name} has ${JSON.stringify(item)}, not an IPv4 or IPv6 address`);
}

function checkNumber(value: unknown, name: string): void {
	if (typeof value !== "number") throw new ReportError("BadMetricValue", `custom metric ${name} values must be numbers`);
	if (!Number.isFinite(value)) throw new ReportError("NotFinite", `custom metric ${name} has ${value}`);
}
