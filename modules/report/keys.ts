/*
 * keys — the one table of report keys: each entry is [long, short] (defender.md §1). The JSON long
 * writer takes index 0, JSON short and CBOR take index 1. Custom metric value keys have no short form.
 */

export type Key = readonly [long: string, short: string];

export const LONG = 0;
export const SHORT = 1;
export type KeyStyle = typeof LONG | typeof SHORT;

export const HEADER: Key = ["header", "hed"];
export const REPORT_ID: Key = ["report_id", "rid"];
export const VERSION: Key = ["version", "v"];
export const METRICS: Key = ["metrics", "met"];
export const LISTENING_TCP_PORTS: Key = ["listening_tcp_ports", "tp"];
export const LISTENING_UDP_PORTS: Key = ["listening_udp_ports", "up"];
export const PORTS: Key = ["ports", "pts"];
export const PORT: Key = ["port", "pt"];
export const INTERFACE: Key = ["interface", "if"];
export const TOTAL: Key = ["total", "t"];
export const NETWORK_STATS: Key = ["network_stats", "ns"];
export const BYTES_IN: Key = ["bytes_in", "bi"];
export const BYTES_OUT: Key = ["bytes_out", "bo"];
export const PACKETS_IN: Key = ["packets_in", "pi"];
export const PACKETS_OUT: Key = ["packets_out", "po"];
export const TCP_CONNECTIONS: Key = ["tcp_connections", "tc"];
export const ESTABLISHED_CONNECTIONS: Key = ["established_connections", "ec"];
export const CONNECTIONS: Key = ["connections", "cs"];
export const REMOTE_ADDR: Key = ["remote_addr", "rad"];
export const LOCAL_PORT: Key = ["local_port", "lp"];
export const LOCAL_INTERFACE: Key = ["local_interface", "li"];
export const CUSTOM_METRICS: Key = ["custom_metrics", "cmet"];

/** Custom metric value kinds: the same spelling in every encoding. */
export const NUMBER = "number";
export const NUMBER_LIST = "number_list";
export const STRING_LIST = "string_list";
export const IP_LIST = "ip_list";

/** The report format version every AWS agent sends. */
export const REPORT_VERSION = "1.0";
