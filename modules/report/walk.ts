/*
 * walk — the one walk over a validated ReportModel, in the key order of defender.md §1: header,
 * metrics (listening TCP ports, listening UDP ports, network stats, TCP connections), custom metrics.
 * Sections absent from the model are omitted; metrics is always present (possibly empty). Port and
 * connection lists are cut at `cap` while `total` carries the true count (model.totals when the
 * driver listed only some).
 */
import type { EstablishedConnection, ListeningPort } from "../netdriver/netdriver";
import type { NetStats } from "../sampler/sampler";
import * as K from "./keys";
import type { Key, KeyStyle } from "./keys";
import type { CustomMetricValue, ReportModel } from "./model";
import type { Writer } from "./writer";

export function walkReport(model: ReportModel, w: Writer, style: KeyStyle, cap: number): void {
	const custom = model.customMetrics;
	w.map(custom === undefined ? 2 : 3);
	w.key(K.HEADER[style]);
	w.map(2);
	w.key(K.REPORT_ID[style]);
	w.number(model.reportId);
	w.key(K.VERSION[style]);
	w.text(K.REPORT_VERSION);
	w.end();
	walkMetrics(model, w, style, cap);
	if (custom !== undefined) walkCustom(custom, w, style);
	w.end();
}

function walkMetrics(model: ReportModel, w: Writer, style: KeyStyle, cap: number): void {
	const { listeningTcpPorts: tcp, listeningUdpPorts: udp, networkStats: ns, connections: cs } = model;
	w.key(K.METRICS[style]);
	w.map(present(tcp) + present(udp) + present(ns) + present(cs));
	const t = model.totals;
	if (tcp !== undefined) walkPorts(K.LISTENING_TCP_PORTS, tcp, t?.listeningTcpPorts ?? tcp.length, w, style, cap);
	if (udp !== undefined) walkPorts(K.LISTENING_UDP_PORTS, udp, t?.listeningUdpPorts ?? udp.length, w, style, cap);
	if (ns !== undefined) walkNetStats(ns, w, style);
	if (cs !== undefined) walkConnections(cs, t?.connections ?? cs.length, w, style, cap);
	w.end();
}

function present(section: unknown): number {
	return section === undefined ? 0 : 1;
}

function walkPorts(key: Key, ports: ListeningPort[], total: number, w: Writer, style: KeyStyle, cap: number): void {
	const n = Math.min(ports.length, cap);
	w.key(key[style]);
	w.map(2);
	w.key(K.PORTS[style]);
	w.array(n);
	for (let i = 0; i < n; i++) {
		const p = ports[i];
		w.map(p.interface === undefined ? 1 : 2);
		w.key(K.PORT[style]);
		w.number(p.port);
		if (p.interface !== undefined) {
			w.key(K.INTERFACE[style]);
			w.text(p.interface);
		}
		w.end();
	}
	w.end();
	w.key(K.TOTAL[style]);
	w.number(total);
	w.end();
}

function walkNetStats(ns: NetStats, w: Writer, style: KeyStyle): void {
	w.key(K.NETWORK_STATS[style]);
	w.map(4);
	w.key(K.BYTES_IN[style]);
	w.number(ns.bytesIn);
	w.key(K.BYTES_OUT[style]);
	w.number(ns.bytesOut);
	w.key(K.PACKETS_IN[style]);
	w.number(ns.packetsIn);
	w.key(K.PACKETS_OUT[style]);
	w.number(ns.packetsOut);
	w.end();
}

function walkConnections(cs: EstablishedConnection[], total: number, w: Writer, style: KeyStyle, cap: number): void {
	const n = Math.min(cs.length, cap);
	w.key(K.TCP_CONNECTIONS[style]);
	w.map(1);
	w.key(K.ESTABLISHED_CONNECTIONS[style]);
	w.map(2);
	w.key(K.CONNECTIONS[style]);
	w.array(n);
	for (let i = 0; i < n; i++) walkConnection(cs[i], w, style);
	w.end();
	w.key(K.TOTAL[style]);
	w.number(total);
	w.end();
	w.end();
}

function walkConnection(c: EstablishedConnection, w: Writer, style: KeyStyle): void {
	w.map(1 + present(c.localPort) + present(c.localInterface));
	w.key(K.REMOTE_ADDR[style]);
	w.text(c.remoteAddr);
	if (c.localPort !== undefined) {
		w.key(K.LOCAL_PORT[style]);
		w.number(c.localPort);
	}
	if (c.localInterface !== undefined) {
		w.key(K.LOCAL_INTERFACE[style]);
		w.text(c.localInterface);
	}
	w.end();
}

function walkCustom(custom: Record<string, CustomMetricValue>, w: Writer, style: KeyStyle): void {
	const names = Object.keys(custom);
	w.key(K.CUSTOM_METRICS[style]);
	w.map(names.length);
	for (const name of names) {
		w.key(name);
		w.array(1);
		walkCustomValue(custom[name], w);
		w.end();
	}
	w.end();
}

function walkCustomValue(value: CustomMetricValue, w: Writer): void {
	w.map(1);
	if ("number" in value) {
		w.key(K.NUMBER);
		w.number(value.number);
	} else if ("number_list" in value) {
		w.key(K.NUMBER_LIST);
		w.array(value.number_list.length);
		for (const n of value.number_list) w.number(n);
		w.end();
	} else {
		const isIp = "ip_list" in value;
		const list = isIp ? value.ip_list : value.string_list;
		w.key(isIp ? K.IP_LIST : K.STRING_LIST);
		w.array(list.length);
		for (const s of list) w.text(s);
		w.end();
	}
	w.end();
}
