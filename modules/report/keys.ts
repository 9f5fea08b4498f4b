/*
 * keys — the one table of report keys: each entry is [long, short] (defender.md §1). The JSON long
 * writer takes index 0, JSON short and CBOR take index 1. Custom metric value keys have no short form.
 * Each short form is also exported on its own (`X_SHORT`) so that a CBOR-only build (cbor-small.ts)
 * carries no long names. The pairs are frozen (preloaded, they then cost no RAM) and marked pure, so
 * a bundler drops the pairs a build does not use.
 */

export type Key = readonly [long: string, short: string];

export const LONG = 0;
export const SHORT = 1;
export type KeyStyle = typeof LONG | typeof SHORT;

export const HEADER_SHORT = "hed";
export const HEADER: Key = /* @__PURE__ */ Object.freeze(["header", HEADER_SHORT] as const);
export const REPORT_ID_SHORT = "rid";
export const REPORT_ID: Key = /* @__PURE__ */ Object.freeze(["report_id", REPORT_ID_SHORT] as const);
export const VERSION_SHORT = "v";
export const VERSION: Key = /* @__PURE__ */ Object.freeze(["version", VERSION_SHORT] as const);
export const METRICS_SHORT = "met";
export const METRICS: Key = /* @__PURE__ */ Object.freeze(["metrics", METRICS_SHORT] as const);
export const LISTENING_TCP_PORTS_SHORT = "tp";
export const LISTENING_TCP_PORTS: Key = /* @__PURE__ */ Object.freeze(["listening_tcp_ports", LISTENING_TCP_PORTS_SHORT] as const);
export const LISTENING_UDP_PORTS_SHORT = "up";
export const LISTENING_UDP_PORTS: Key = /* @__PURE__ */ Object.freeze(["listening_udp_ports", LISTENING_UDP_PORTS_SHORT] as const);
export const PORTS_SHORT = "pts";
export const PORTS: Key = /* @__PURE__ */ Object.freeze(["ports", PORTS_SHORT] as const);
export const PORT_SHORT = "pt";
export const PORT: Key = /* @__PURE__ */ Object.freeze(["port", PORT_SHORT] as const);
export const INTERFACE_SHORT = "if";
export const INTERFACE: Key = /* @__PURE__ */ Object.freeze(["interface", INTERFACE_SHORT] as const);
export const TOTAL_SHORT = "t";
export const TOTAL: Key = /* @__PURE__ */ Object.freeze(["total", TOTAL_SHORT] as const);
export const NETWORK_STATS_SHORT = "ns";
export const NETWORK_STATS: Key = /* @__PURE__ */ Object.freeze(["network_stats", NETWORK_STATS_SHORT] as const);
export const BYTES_IN_SHORT = "bi";
export const BYTES_IN: Key = /* @__PURE__ */ Object.freeze(["bytes_in", BYTES_IN_SHORT] as const);
export const BYTES_OUT_SHORT = "bo";
export const BYTES_OUT: Key = /* @__PURE__ */ Object.freeze(["bytes_out", BYTES_OUT_SHORT] as const);
export const PACKETS_IN_SHORT = "pi";
export const PACKETS_IN: Key = /* @__PURE__ */ Object.freeze(["packets_in", PACKETS_IN_SHORT] as const);
export const PACKETS_OUT_SHORT = "po";
export const PACKETS_OUT: Key = /* @__PURE__ */ Object.freeze(["packets_out", PACKETS_OUT_SHORT] as const);
export const TCP_CONNECTIONS_SHORT = "tc";
export const TCP_CONNECTIONS: Key = /* @__PURE__ */ Object.freeze(["tcp_connections", TCP_CONNECTIONS_SHORT] as const);
export const ESTABLISHED_CONNECTIONS_SHORT = "ec";
export const ESTABLISHED_CONNECTIONS: Key = /* @__PURE__ */ Object.freeze(["established_connections", ESTABLISHED_CONNECTIONS_SHORT] as const);
export const CONNECTIONS_SHORT = "cs";
export const CONNECTIONS: Key = /* @__PURE__ */ Object.freeze(["connections", CONNECTIONS_SHORT] as const);
export const REMOTE_ADDR_SHORT = "rad";
export const REMOTE_ADDR: Key = /* @__PURE__ */ Object.freeze(["remote_addr", REMOTE_ADDR_SHORT] as const);
export const LOCAL_PORT_SHORT = "lp";
export const LOCAL_PORT: Key = /* @__PURE__ */ Object.freeze(["local_port", LOCAL_PORT_SHORT] as const);
export const LOCAL_INTERFACE_SHORT = "li";
export const LOCAL_INTERFACE: Key = /* @__PURE__ */ Object.freeze(["local_interface", LOCAL_INTERFACE_SHORT] as const);
export const CUSTOM_METRICS_SHORT = "cmet";
export const CUSTOM_METRICS: Key = /* @__PURE__ */ Object.freeze(["custom_metrics", CUSTOM_METRICS_SHORT] as const);

/** Custom metric value kinds: the same spelling in every encoding. */
export const NUMBER = "number";
export const NUMBER_LIST = "number_list";
export const STRING_LIST = "string_list";
export const IP_LIST = "ip_list";

/** The report format version every AWS agent sends. */
export const REPORT_VERSION = "1.0";
