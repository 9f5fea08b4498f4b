/*
 * cbor-small — the compact direct CBOR writer of a validated ReportModel, byte for byte what the walk
 * + CborWriter write (short keys, the key order and list cuts of walk.ts; RFC 8949 §4.2.1 preferred
 * serialization: shortest heads, definite lengths, safe integers as major type 0/1, other numbers as
 * the shortest exact float 16/32/64), in a few plain functions and module state: small and quick on
 * XS. The constant parts (short keys of keys.ts and the container heads between them) are encoded
 * once at load into one byte table and copied as runs. Writes past the buffer's end are dropped by
 * the typed array while `pos` counts on, so an overflowing pass yields the exact size: the buffer
 * grows to it and the report is written once more.
 */
import type { EstablishedConnection, ListeningPort } from "../netdriver/netdriver";
import { utf8Write } from "../bytes/utf8";
import * as K from "./keys";
import type { CustomMetricValue, ReportModel } from "./model";

const TEXT = 0x60;
const ARRAY = 0x80;
const MAP = 0xa0;
const TWO_32 = 0x100000000;
/** Room left before a non-ASCII text's UTF-8 bytes: the longest text head. */
const HEAD_ROOM = 9;

/** Runs of constant bytes, in the order of RUN_SPEC. */
const enum R {
	HeaderReportId,
	VersionMetrics,
	TcpPorts,
	UdpPorts,
	Port,
	Interface,
	Total,
	NetStatsBytesIn,
	BytesOut,
	PacketsIn,
	PacketsOut,
	Connections,
	RemoteAddr,
	LocalPort,
	LocalInterface,
	CustomMetrics,
	Number,
	NumberList,
	StringList,
	IpList,
}

let out = new Uint8Array(256);
let pos = 0;
const scratch = new DataView(new ArrayBuffer(8));
/** AT[r] .. AT[r + 1] is run r in RUNS. */
const AT = new Uint8Array(R.IpList + 2);
/**
 * The runs, encoded once at load (by a function not kept afterwards): strings are written as CBOR
 * text, numbers as one raw byte (a container head).
 */
const RUNS = ((): Uint8Array => {
	const spec: (string | number)[][] = [
		[K.HEADER[K.SHORT], MAP | 2, K.REPORT_ID[K.SHORT]],
		[K.VERSION[K.SHORT], K.REPORT_VERSION, K.METRICS[K.SHORT]],
		[K.LISTENING_TCP_PORTS[K.SHORT], MAP | 2, K.PORTS[K.SHORT]],
		[K.LISTENING_UDP_PORTS[K.SHORT], MAP | 2, K.PORTS[K.SHORT]],
		[K.PORT[K.SHORT]],
		[K.INTERFACE[K.SHORT]],
		[K.TOTAL[K.SHORT]],
		[K.NETWORK_STATS[K.SHORT], MAP | 4, K.BYTES_IN[K.SHORT]],
		[K.BYTES_OUT[K.SHORT]],
		[K.PACKETS_IN[K.SHORT]],
		[K.PACKETS_OUT[K.SHORT]],
		[K.TCP_CONNECTIONS[K.SHORT], MAP | 1, K.ESTABLISHED_CONNECTIONS[K.SHORT], MAP | 2, K.CONNECTIONS[K.SHORT]],
		[K.REMOTE_ADDR[K.SHORT]],
		[K.LOCAL_PORT[K.SHORT]],
		[K.LOCAL_INTERFACE[K.SHORT]],
		[K.CUSTOM_METRICS[K.SHORT]],
		[ARRAY | 1, MAP | 1, K.NUMBER],
		[ARRAY | 1, MAP | 1, K.NUMBER_LIST],
		[ARRAY | 1, MAP | 1, K.STRING_LIST],
		[ARRAY | 1, MAP | 1, K.IP_LIST],
	];
	for (let r = 0; r < spec.length; r++) {
		for (const part of spec[r]) {
			if (typeof part === "number") out[pos++] = part;
			else text(part);
		}
		AT[r + 1] = pos;
	}
	return out.slice(0, pos);
})();

/** Writes the CBOR of `model` (already validated; lists cut at `cap`) and returns a view of the module buffer, valid until the next call. */
export function writeCbor(model: ReportModel, cap: number): Uint8Array {
	pos = 0;
	report(model, cap);
	if (pos > out.length) {
		out = new Uint8Array(pos);
		pos = 0;
		report(model, cap);
	}
	return out.subarray(0, pos);
}

/** Size of the module buffer (it only grows). */
export function cborCapacity(): number {
	return out.length;
}

function run(r: R): void {
	const start = AT[r];
	const end = AT[r + 1];
	if (pos + end - start <= out.length) out.set(RUNS.subarray(start, end), pos);
	pos += end - start;
}

/** Head of major type `major` (already shifted) with argument `n`, shortest form; the Uint8Array keeps the low 8 bits of each write. */
function head(major: number, n: number): void {
	if (n < 24) out[pos++] = major | n;
	else if (n < 0x100) {
		out[pos++] = major | 24;
		out[pos++] = n;
	} else if (n < 0x10000) {
		out[pos++] = major | 25;
		out[pos++] = n >> 8;
		out[pos++] = n;
	} else if (n < TWO_32) {
		out[pos++] = major | 26;
		word(n);
	} else {
		out[pos++] = major | 27;
		word(Math.floor(n / TWO_32));
		word(n >>> 0);
	}
}

/** Four bytes, big-endian. */
function word(n: number): void {
	out[pos++] = n >>> 24;
	out[pos++] = n >> 16;
	out[pos++] = n >> 8;
	out[pos++] = n;
}

/** A text string: ASCII in place; on the first non-ASCII character, UTF-8 after room for the head, then moved behind its head. */
function text(s: string): void {
	const start = pos;
	const n = s.length;
	head(TEXT, n);
	for (let i = 0; i < n; i++) {
		const c = s.charCodeAt(i);
		if (c > 0x7f) {
			const end = utf8Write(s, out, start + HEAD_ROOM);
			pos = start;
			head(TEXT, end - start - HEAD_ROOM);
			out.copyWithin(pos, start + HEAD_ROOM, end);
			pos += end - start - HEAD_ROOM;
			return;
		}
		out[pos++] = c;
	}
}

/** Safe integers as major type 0/1; other numbers as float64 unless float32 holds them exactly. */
function num(v: number): void {
	if (Number.isSafeInteger(v)) head(v < 0 ? 0x20 : 0, v < 0 ? -1 - v : v);
	else if (Math.fround(v) === v) float32(v);
	else {
		out[pos++] = 0xfb;
		scratch.setFloat64(0, v);
		word(scratch.getUint32(0));
		word(scratch.getUint32(4));
	}
}

/** A non-zero float32 value: as float16 when its significand fits that format's 11 bits (or the subnormal range), else as float32. */
function float32(v: number): void {
	scratch.setFloat32(0, v);
	const bits = scratch.getUint32(0);
	const e = ((bits >>> 23) & 0xff) - 113;
	const significand = (bits & 0x7fffff) | 0x800000;
	const drop = e < 1 ? 14 - e : 13;
	if (e < -9 || e > 30 || (significand & ((1 << drop) - 1)) !== 0) {
		out[pos++] = 0xfa;
		word(bits);
		return;
	}
	const half = ((bits >>> 16) & 0x8000) | ((e < 1 ? 0 : e - 1) << 10) + (significand >>> drop);
	out[pos++] = 0xf9;
	out[pos++] = half >> 8;
	out[pos++] = half;
}

function report(model: ReportModel, cap: number): void {
	const { listeningTcpPorts: tcp, listeningUdpPorts: udp, networkStats: ns, connections: cs, customMetrics: custom } = model;
	out[pos++] = custom === undefined ? MAP | 2 : MAP | 3;
	run(R.HeaderReportId);
	num(model.reportId);
	run(R.VersionMetrics);
	out[pos++] = MAP | ((tcp === undefined ? 0 : 1) + (udp === undefined ? 0 : 1) + (ns === undefined ? 0 : 1) + (cs === undefined ? 0 : 1));
	if (tcp !== undefined) ports(R.TcpPorts, tcp, cap);
	if (udp !== undefined) ports(R.UdpPorts, udp, cap);
	if (ns !== undefined) {
		run(R.NetStatsBytesIn);
		num(ns.bytesIn);
		run(R.BytesOut);
		num(ns.bytesOut);
		run(R.PacketsIn);
		num(ns.packetsIn);
		run(R.PacketsOut);
		num(ns.packetsOut);
	}
	if (cs !== undefined) connections(cs, cap);
	if (custom !== undefined) customMetrics(custom);
}

function ports(key: R, list: ListeningPort[], cap: number): void {
	const n = Math.min(list.length, cap);
	run(key);
	head(ARRAY, n);
	for (let i = 0; i < n; i++) {
		const p = list[i];
		out[pos++] = p.interface === undefined ? MAP | 1 : MAP | 2;
		run(R.Port);
		num(p.port);
		if (p.interface !== undefined) {
			run(R.Interface);
			text(p.interface);
		}
	}
	run(R.Total);
	num(list.length);
}

function connections(list: EstablishedConnection[], cap: number): void {
	const n = Math.min(list.length, cap);
	run(R.Connections);
	head(ARRAY, n);
	for (let i = 0; i < n; i++) {
		const c = list[i];
		out[pos++] = MAP + 1 + (c.localPort === undefined ? 0 : 1) + (c.localInterface === undefined ? 0 : 1);
		run(R.RemoteAddr);
		text(c.remoteAddr);
		if (c.localPort !== undefined) {
			run(R.LocalPort);
			num(c.localPort);
		}
		if (c.localInterface !== undefined) {
			run(R.LocalInterface);
			text(c.localInterface);
		}
	}
	run(R.Total);
	num(list.length);
}

/** Each metric is `name: [{ kind: value }]`. */
function customMetrics(custom: Record<string, CustomMetricValue>): void {
	const names = Object.keys(custom);
	run(R.CustomMetrics);
	head(MAP, names.length);
	for (const name of names) {
		const value = custom[name];
		text(name);
		if ("number" in value) {
			run(R.Number);
			num(value.number);
			continue;
		}
		const list: (number | string)[] = "number_list" in value ? value.number_list : "ip_list" in value ? value.ip_list : value.string_list;
		run("number_list" in value ? R.NumberList : "ip_list" in value ? R.IpList : R.StringList);
		head(ARRAY, list.length);
		for (const item of list) {
			if (typeof item === "number") num(item);
			else text(item);
		}
	}
}
