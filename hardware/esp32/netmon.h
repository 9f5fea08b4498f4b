/*
 * netmon — IP traffic counters and socket lists for one lwIP netif.
 *
 * Portable C11 on lwIP 2.1/2.2 (threaded, NO_SYS 0). The same file builds on ESP-IDF and on the
 * host against Debian's liblwip (test/native). It wraps the netif's `input` and `linkoutput`
 * pointers and adds every accepted IPv4/IPv6 packet to 64-bit atomic accumulators, and it lists
 * TCP listeners, bound UDP ports and ESTABLISHED TCP connections from inside the tcpip thread.
 *
 * Threading: netmon_attach/detach/list_sockets use tcpip_api_call and must NOT be called from the
 * tcpip thread (it would deadlock when core locking is off, as on ESP-IDF). The *_locked variants
 * are for code that already runs in the tcpip thread (netif callbacks). netmon_read is safe from
 * any thread.
 */

#ifndef NETMON_H
#define NETMON_H

#include <stdint.h>

#include "lwip/netif.h"

/* Counter indices, the same as modules/netdriver/netdriver.ts. */
#define NETMON_BYTES_IN 0
#define NETMON_BYTES_OUT 1
#define NETMON_PACKETS_IN 2
#define NETMON_PACKETS_OUT 3
#define NETMON_COUNTERS 4

/* Fixed capacity of each socket list: entries beyond it are counted in `total` only. */
#define NETMON_MAX 16
/* "ffff:…:ffff" (46 with NUL, lwIP's IP6ADDR_STRLEN_MAX) */
#define NETMON_ADDR_LEN 48
/* "[" + address + "]:65535" */
#define NETMON_REMOTE_LEN (NETMON_ADDR_LEN + 8)
/* two name characters + netif number 0..255 */
#define NETMON_IFNAME_LEN 6

typedef enum {
	NETMON_OK = 0,
	NETMON_ERR_ARG = 1,           /* NULL netif or NULL output */
	NETMON_ERR_NOT_READY = 2,     /* the netif has no input/linkoutput yet (not netif_add-ed) */
	NETMON_ERR_BUSY = 3,          /* another netif is attached already */
	NETMON_ERR_NOT_ATTACHED = 4,  /* detach of a netif that is not attached */
	NETMON_ERR_CALL = 5,          /* tcpip_api_call failed */
	NETMON_ERR_NO_NETIF = 6       /* platform code found no interface to attach to */
} netmon_status_t;

typedef struct {
	uint64_t value[NETMON_COUNTERS];
} netmon_counters_t;

typedef struct {
	uint16_t port;
	char addr[NETMON_ADDR_LEN];      /* local address: "*" dual-stack any, "0.0.0.0", "::", or an IP */
	char ifname[NETMON_IFNAME_LEN];  /* netif it is bound to, "" when bound to every interface */
} netmon_port_t;

typedef struct {
	uint16_t local_port;
	char remote[NETMON_REMOTE_LEN];  /* "a.b.c.d:port" or "[v6]:port" */
	char ifname[NETMON_IFNAME_LEN];  /* netif owning the local address, "" if none matches */
} netmon_conn_t;

typedef struct {
	netmon_port_t item[NETMON_MAX];
	uint16_t count;  /* entries filled */
	uint16_t total;  /* entries that exist; > count when truncated */
} netmon_port_list_t;

typedef struct {
	netmon_conn_t item[NETMON_MAX];
	uint16_t count;
	uint16_t total;
} netmon_conn_list_t;

typedef struct {
	netmon_port_list_t tcp_listen;
	netmon_port_list_t udp;
	netmon_conn_list_t established;
} netmon_sockets_t;

/* Wrap nif (idempotent: re-wraps only the pointers that are not ours, e.g. after netif_add). */
netmon_status_t netmon_attach(struct netif *nif);
netmon_status_t netmon_attach_locked(struct netif *nif);

/* Restore the original pointers of nif if they are still ours. Counters are kept. */
netmon_status_t netmon_detach(struct netif *nif);
netmon_status_t netmon_detach_locked(struct netif *nif);

/* Copy the four accumulators (each read untorn; the four are not one atomic snapshot). */
void netmon_read(netmon_counters_t *out);

/* Fill out; the PCB walk runs in the tcpip thread (tcpip_api_call). out is large (about 2.8 KB): keep it static or on the heap. */
netmon_status_t netmon_list_sockets(netmon_sockets_t *out);

/* "st0" from name[2] + num. buf holds NETMON_IFNAME_LEN bytes. */
void netmon_ifname(const struct netif *nif, char *buf);

/* Stable name of a status, e.g. "NETMON_ERR_BUSY". */
const char *netmon_status_name(netmon_status_t status);

#endif
