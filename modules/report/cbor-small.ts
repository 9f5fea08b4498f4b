/*
 * cbor-small — the compact direct CBOR writer of a validated ReportModel, byte for byte what the walk
 * + CborWriter write (short keys, the key order and list cuts of walk.ts; RFC 8949 §4.2.1 preferred
 * serialization: shortest heads, definite lengths, safe integers as major type 0/1, other numbers as
 * the shortest exact float 16/32/64), in a few plain functions and module state: small and quick on
 * XS. The constant parts (short keys of keys.ts and the container heads between them) are encoded
 * once at load into a table (by a function not kept afterwards); the first report copies the table
 * into the module buffer, whose head the runs are then copied from; reports are written after them.
 * The table is only read after load, so it may stay in flash when the module is preloaded (a
 * preloaded buffer is read-only). Writes past the buffer's end are dropped by the typed array while
 * `pos` counts on, so an overflowing pass yields the exact size: the buffer grows to it (plus the room
 * a non-ASCII text borrows past its end, see utf8) and the report is written once more.
 */
import type { EstablishedConnection, ListeningPort } from "../netdriver/netdriver";
import * as K from "./keys";
import type { CustomMetricValue, ReportModel } from "./model";

/** Numbers inlined by the compiler (module constants would cost XS slots). */
const enum C {
	Text = 0x60,
	Array = 0x80,
	Map = 0xa0,
	Two32 = 0x100000000,
	/** Room left before a non-ASCII text's UTF-8 bytes: the longest text head. */
	HeadRoom = 9,
}

/** Runs of constant bytes, in the order of the table written at load. */
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
	/** The number of runs. */
	Count,
}

/** The module buffer: the runs table, then the report being written. It is TABLE until the first report. */
let out: Uint8Array;
let pos = 0;

/**
 * The runs table, written at load by a function not kept afterwards: out[r] is where run r starts,
 * out[r + 1] where it ends (out[R.Count] is the end of the table, where reports start), then the
 * runs. Strings are written as CBOR text, numbers as one raw byte (a container head).
 */
const TABLE = ((): Uint8Array => {
	out = new Uint8Array(512);
	const spec: (string | number)[][] = [
		[K.HEADER_SHORT, C.Map | 2, K.REPORT_ID_SHORT],
		[K.VERSION_SHORT, K.REPORT_VERSION, K.METRICS_SHORT],
		[K.LISTENING_TCP_PORTS_SHORT, C.Map | 2, K.PORTS_SHORT],
		[K.LISTENING_UDP_PORTS_SHORT, C.Map | 2, K.PORTS_SHORT],
		[K.PORT_SHORT],
		[K.INTERFACE_SHORT],
		[K.TOTAL_SHORT],
		[K.NETWORK_STATS_SHORT, C.Map | 4, K.BYTES_IN_SHORT],
		[K.BYTES_OUT_SHORT],
		[K.PACKETS_IN_SHORT],
		[K.PACKETS_OUT_SHORT],
		[K.TCP_CONNECTIONS_SHORT, C.Map | 1, K.ESTABLISHED_CONNECTIONS_SHORT, C.Map | 2, K.CONNECTIONS_SHORT],
		[K.REMOTE_ADDR_SHORT],
		[K.LOCAL_PORT_SHORT],
		[K.LOCAL_INTERFACE_SHORT],
		[K.CUSTOM_METRICS_SHORT],
		[C.Array | 1, C.Map | 1, K.NUMBER],
		[C.Array | 1, C.Map | 1, K.NUMBER_LIST],
		[C.Array | 1, C.Map | 1, K.STRING_LIST],
		[C.Array | 1, C.Map | 1, K.IP_LIST],
	];
	pos = R.Count + 1;
	for (let r = 0; r < R.Count; r++) {
		out[r] = pos;
		for (const part of spec[r]) {
			if (typeof part === "number") out[pos++] = part;
			else text(part);
		}
	}
	out[R.Count] = pos;
	return out;
})();

/** Writes the CBOR of `model` (already validated; lists cut at `cap`) and returns a view of the module buffer, valid until the next call. */
export function writeCbor(model: ReportModel, cap: number): Uint8Array {
	if (out === TABLE) out = TABLE.slice();
	const base = out[R.Count];
	pos = base;
	report(model, cap);
	if (pos + C.HeadRoom > out.length) {
		const grown = new Uint8Array(pos + C.HeadRoom);
		grown.set(out.subarray(0, base));
		out = grown;
		pos = base;
		report(model, cap);
	}
	return out.subarray(base, pos);
}

function run(r: R): void {
	out.copyWithin(pos, out[r], out[r + 1]);
	pos += out[r + 1] - out[r];
}

/** Head of major type `major` (already shifted) with argument `n`, shortest form; the Uint8Array keeps the low 8 bits of each write. */
function head(major: number, n: number): void {
	if (n < 24) {
		out[pos++] = major | n;
		return;
	}
	const k = n < 0x100 ? 0 : n < 0x10000 ? 1 : n < C.Two32 ? 2 : 3;
	out[pos++] = major | (24 + k);
	for (let shift = 8 << k; (shift -= 8) >= 0; ) out[pos++] = shift < 32 ? n >>> shift : (n / C.Two32) >>> (shift - 32);
}

/** A text string: ASCII in place, else as UTF-8 (see utf8). */
function text(s: string): void {
	const start = pos;
	const n = s.length;
	head(C.Text, n);
	for (let i = 0; i < n; i++) {
		const c = s.charCodeAt(i);
		if (c > 0x7f) return utf8(s, start);
		out[pos++] = c;
	}
}

/**
 * `s` as CBOR text at `start`, its UTF-8 (validation refuses lone surrogates; were one to reach
 * here it would become U+FFFD, like TextEncoder and bytes/utf8.ts) written after room for the longest head, then moved behind its head. Kept here
 * rather than calling bytes/utf8.ts: one function instead of three keeps the XS slot budget.
 */
function utf8(s: string, start: number): void {
	pos = start + C.HeadRoom;
	for (let i = 0; i < s.length; i++) {
		let c = s.codePointAt(i) as number;
		if (c > 0xffff) i++;
		else if (c >> 11 === 0x1b) c = 0xfffd;
		let k = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
		out[pos++] = k === 0 ? c : (0xff00 >> (k + 1)) | (c >> (6 * k));
		while (k-- > 0) out[pos++] = 0x80 | ((c >> (6 * k)) & 0x3f);
	}
	const length = pos - start - C.HeadRoom;
	pos = start;
	head(C.Text, length);
	out.copyWithin(pos, start + C.HeadRoom, start + C.HeadRoom + length);
	pos += length;
}

/**
 * Safe integers as major type 0/1. Other numbers as float64 unless float32 holds them exactly; a
 * float32 as float16 when its significand fits that format's 11 bits (or its subnormal range). The
 * scratch view is made per float (rare in reports) rather than held: fewer live slots on XS.
 */
function num(v: number): void {
	if (Number.isSafeInteger(v)) return head(v < 0 ? 0x20 : 0, v < 0 ? -1 - v : v);
	const scratch = new DataView(new ArrayBuffer(8));
	let size = 8;
	if (Math.fround(v) === v) {
		// e: the float16 biased exponent (1..30 normal, -9..0 subnormal); drop: significand bits float16 lacks
		scratch.setFloat32(0, v);
		const bits = scratch.getUint32(0);
		const e = ((bits >>> 23) & 0xff) - 112;
		const significand = (bits & 0x7fffff) | 0x800000;
		const drop = e < 1 ? 14 - e : 13;
		size = e < -9 || e > 30 || (significand & ((1 << drop) - 1)) !== 0 ? 4 : 2;
		if (size === 2) scratch.setUint16(0, ((bits >>> 16) & 0x8000) | (((e < 1 ? 0 : e - 1) << 10) + (significand >>> drop)));
	} else scratch.setFloat64(0, v);
	out[pos++] = size === 2 ? 0xf9 : size === 4 ? 0xfa : 0xfb;
	for (let i = 0; i < size; i++) out[pos++] = scratch.getUint8(i);
}

function report(model: ReportModel, cap: number): void {
	const { listeningTcpPorts: tcp, listeningUdpPorts: udp, networkStats: ns, connections: cs, customMetrics: custom } = model;
	out[pos++] = custom === undefined ? C.Map | 2 : C.Map | 3;
	run(R.HeaderReportId);
	num(model.reportId);
	run(R.VersionMetrics);
	out[pos++] = C.Map | ((tcp === undefined ? 0 : 1) + (udp === undefined ? 0 : 1) + (ns === undefined ? 0 : 1) + (cs === undefined ? 0 : 1));
	const t = model.totals;
	if (tcp !== undefined) ports(R.TcpPorts, tcp, t?.listeningTcpPorts ?? tcp.length, cap);
	if (udp !== undefined) ports(R.UdpPorts, udp, t?.listeningUdpPorts ?? udp.length, cap);
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
	if (cs !== undefined) connections(cs, t?.connections ?? cs.length, cap);
	if (custom !== undefined) customMetrics(custom);
}

function ports(key: R, list: ListeningPort[], total: number, cap: number): void {
	const n = Math.min(list.length, cap);
	run(key);
	head(C.Array, n);
	for (let i = 0; i < n; i++) {
		const p = list[i];
		out[pos++] = p.interface === undefined ? C.Map | 1 : C.Map | 2;
		run(R.Port);
		num(p.port);
		if (p.interface !== undefined) {
			run(R.Interface);
			text(p.interface);
		}
	}
	run(R.Total);
	num(total);
}

function connections(list: EstablishedConnection[], total: number, cap: number): void {
	const n = Math.min(list.length, cap);
	run(R.Connections);
	head(C.Array, n);
	for (let i = 0; i < n; i++) {
		const c = list[i];
		out[pos++] = C.Map + 1 + (c.localPort === undefined ? 0 : 1) + (c.localInterface === undefined ? 0 : 1);
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
	num(total);
}

/** Each metric is `name: [{ kind: value }]`. */
function customMetrics(custom: Record<string, CustomMetricValue>): void {
	const names = Object.keys(custom);
	run(R.CustomMetrics);
	head(C.Map, names.length);
	for (const name of names) {
		const value = custom[name];
		text(name);
		if ("number" in value) {
			run(R.Number);
			num(value.number);
			continue;
		}
		const numbers = "number_list" in value;
		const ips = "ip_list" in value;
		const list: (number | string)[] = numbers ? value.number_list : ips ? value.ip_list : value.string_list;
		run(numbers ? R.NumberList : ips ? R.IpList : R.StringList);
		head(C.Array, list.length);
		for (const item of list) {
			if (typeof item === "number") num(item);
			else text(item);
		}
	}
}
