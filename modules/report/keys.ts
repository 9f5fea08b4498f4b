/*
 * keys — the one table of report keys: each entry is [long, short] (defender.md §1). The JSON long
 * writer takes index 0, JSON short and CBOR take index 1. Custom metric value keys have no short form.
 * Each short form is also exported on its own (`X_SHORT`) so that a CBOR-only build (cbor-small.ts)
 * carries no long names.
 */

export type Key = readonly [long: string, short: string];

export const LONG = 0;
export const SHORT = 1;
export type KeyStyle = typeof LONG | typeof SHORT;

export const HEADER_SHORT = "hed";
export const HEADER: Key = ["header", HEADER_SHORT];
export const REPORT_ID_SHORT = "rid";
export const REPORT_ID: Key = ["report_id", REPORT_ID_SHORT];
export const VERSION_SHORT = "v";
export const VERSION: Key = ["version", VERSION_SHORT];
export const METRICS_SHORT = "met";
export const METRICS: Key = ["metrics", METRICS_SHORT];
export const LISTENING_TCP_PORTS_SHORT = "tp";
export const LISTENING_TCP_PORTS: Key = ["listening_tcp_ports", LISTENING_TCP_PORTS_SHORT];
export const LISTENING_UDP_PORTS_SHORT = "up";
export const LISTENING_UDP_PORTS: Key = ["listening_udp_ports", LISTENING_UDP_PORTS_SHORT];
export const PORTS_SHORT = "pts";
export const PORTS: Key = ["ports", PORTS_SHORT];
export const PORT_SHORT = "pt";
export const PORT: Key = ["port", PORT_SHORT];
export const INTERFACE_SHORT = "if";
export const INTERFACE: Key = ["interface", INTERFACE_SHORT];
export const TOTAL_SHORT = "t";
export const TOTAL: Key = ["total", TOTAL_SHORT];
export const NETWORK_STATS_SHORT = "ns";
export const NETWORK_STATS: Key = ["network_stats", NETWORK_STATS_SHORT];
export const BYTES_IN_SHORT = "bi";
export const BYTES_IN: Key = ["bytes_in", BYTES_IN_SHORT];
export const BYTES_OUT_SHORT = "bo";
export const BYTES_OUT: Key = ["bytes_out", BYTES_OUT_SHORT];
export const PACKETS_IN_SHORT = "pi";
export const PACKETS_IN: Key = ["packets_in", PACKETS_IN_SHORT];
export const PACKETS_OUT_SHORT = "po";
export const PACKETS_OUT: Key = ["packets_out", PACKETS_OUT_SHORT];
export const TCP_CONNECTIONS_SHORT = "tc";
export const TCP_CONNECTIONS: Key = ["tcp_connections", TCP_CONNECTIONS_SHORT];
export const ESTABLISHED_CONNECTIONS_SHORT = "ec";
export const ESTABLISHED_CONNECTIONS: Key = ["established_connections", ESTABLISHED_CONNECTIONS_SHORT];
export const CONNECTIONS_SHORT = "cs";
export const CONNECTIONS: Key = ["connections", CONNECTIONS_SHORT];
export const REMOTE_ADDR_SHORT = "rad";
export const REMOTE_ADDR: Key = ["remote_addr", REMOTE_ADDR_SHORT];
export const LOCAL_PORT_SHORT = "lp";
export const LOCAL_PORT: Key = ["local_port", LOCAL_PORT_SHORT];
export const LOCAL_INTERFACE_SHORT = "li";
export const LOCAL_INTERFACE: Key = ["local_interface", LOCAL_INTERFACE_SHORT];
export const CUSTOM_METRICS_SHORT = "cmet";
export const CUSTOM_METRICS: Key = ["custom_metrics", CUSTOM_METRICS_SHORT];

/** Custom metric value kinds: the same spelling in every encoding. */
export const NUMBER = "number";
export const NUMBER_LIST = "number_list";
export const STRING_LIST = "string_list";
export const IP_LIST = "ip_list";

/** The report format version every AWS agent sends. */
export const REPORT_VERSION = "1.0";
