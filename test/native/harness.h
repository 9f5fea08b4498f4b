/*
 * harness — shared state and checks of the netmon host test: the two wire ports ("st" is the
 * device's interface that netmon watches, "peer" the rest of the network), pass/fail counting and
 * comparisons of netmon's counters with the wire's tap.
 */

#ifndef HARNESS_H
#define HARNESS_H

#include <stdint.h>

#include "lwip/tcpip.h"

#include "../../hardware/esp32/netmon.h"
#include "wire.h"

#define LOCKED(statement) do { LOCK_TCPIP_CORE(); statement; UNLOCK_TCPIP_CORE(); } while (0)
#define CHECK(cond, what) check((cond) != 0, __LINE__, (what))

extern wire_port_t g_st;
extern wire_port_t g_peer;

typedef struct {
	netmon_counters_t netmon;
	wire_tap_t st_sent;    /* st's TX on the wire */
	wire_tap_t peer_sent;  /* st's RX on the wire */
} snapshot_t;

typedef struct {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
} delta_t;

void check(int ok, int line, const char *what);
void check_u64(uint64_t got, uint64_t want, const char *what);
void check_str(const char *got, const char *want, const char *what);
int check_summary(void);

/* netmon_list_sockets into a static snapshot (checked); entries looked up by port. */
const netmon_sockets_t *list_now(void);
const netmon_port_t *find_port(const netmon_port_list_t *list, uint16_t port);
const netmon_conn_t *find_conn(const netmon_conn_list_t *list, uint16_t local_port);
/* The port is listed with this local address and interface name. */
void check_port(const netmon_port_list_t *list, uint16_t port, const char *addr, const char *ifname);

void snapshot(snapshot_t *out);
/* Wait for a quiet wire, then check netmon == tap for all four counters. */
void check_quiet_matches_tap(const char *step);
/* netmon's change since before, in both directions, must equal want (exact counts). */
void check_delta(const snapshot_t *before, const delta_t *want, const char *step);

/* Test groups, in the order main runs them. */
void test_attach(void);
void test_ipv4(void);
void test_truncation(void);
void test_ipv6(void);
void test_close(void);
void test_frames(void);
void test_detach(void);

#endif
