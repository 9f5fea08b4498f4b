/*
 * harness — checks and tap comparisons shared by the netmon host test groups (see harness.h).
 */

#include <stdio.h>
#include <string.h>

#include "harness.h"

#define QUIET_MS 400
#define QUIET_MAX_MS 3000

wire_port_t g_st;
wire_port_t g_peer;

static int s_passed;
static int s_failed;

void check(int ok, int line, const char *what)
{
	if (ok) {
		s_passed++;
		return;
	}
	s_failed++;
	printf("FAIL (line %d): %s\n", line, what);
}

void check_u64(uint64_t got, uint64_t want, const char *what)
{
	if (got == want) {
		s_passed++;
		return;
	}
	s_failed++;
	printf("FAIL: %s: got %llu, want %llu\n", what, (unsigned long long)got, (unsigned long long)want);
}

void check_str(const char *got, const char *want, const char *what)
{
	if (strcmp(got, want) == 0) {
		s_passed++;
		return;
	}
	s_failed++;
	printf("FAIL: %s: got \"%s\", want \"%s\"\n", what, got, want);
}

int check_summary(void)
{
	printf("%d passed, %d failed\n", s_passed, s_failed);
	return s_failed == 0 ? 0 : 1;
}

const netmon_sockets_t *list_now(void)
{
	static netmon_sockets_t sockets;
	check_str(netmon_status_name(netmon_list_sockets(&sockets)), "NETMON_OK", "netmon_list_sockets");
	return &sockets;
}

const netmon_port_t *find_port(const netmon_port_list_t *list, uint16_t port)
{
	for (int i = 0; i < list->count; i++) {
		if (list->item[i].port == port)
			return &list->item[i];
	}
	return NULL;
}

const netmon_conn_t *find_conn(const netmon_conn_list_t *list, uint16_t local_port)
{
	for (int i = 0; i < list->count; i++) {
		if (list->item[i].local_port == local_port)
			return &list->item[i];
	}
	return NULL;
}

void check_port(const netmon_port_list_t *list, uint16_t port, const char *addr, const char *ifname)
{
	const netmon_port_t *item = find_port(list, port);
	CHECK(item != NULL, "port listed");
	if (item == NULL)
		return;
	check_str(item->addr, addr, "port address");
	check_str(item->ifname, ifname, "port interface");
}

void snapshot(snapshot_t *out)
{
	netmon_read(&out->netmon);
	wire_tap(&g_st, &out->st_sent);
	wire_tap(&g_peer, &out->peer_sent);
}

static void check_pair(const char *step, const char *what, uint64_t got, uint64_t want)
{
	char label[96];
	snprintf(label, sizeof(label), "%s: %s", step, what);
	check_u64(got, want, label);
}

void check_quiet_matches_tap(const char *step)
{
	snapshot_t now;
	CHECK(wire_wait_quiet(QUIET_MS, QUIET_MAX_MS) == 0, step);
	snapshot(&now);
	check_pair(step, "packets out == tap", now.netmon.value[NETMON_PACKETS_OUT], now.st_sent.ip_packets);
	check_pair(step, "bytes out == tap", now.netmon.value[NETMON_BYTES_OUT], now.st_sent.ip_bytes);
	check_pair(step, "packets in == tap", now.netmon.value[NETMON_PACKETS_IN], now.peer_sent.ip_packets);
	check_pair(step, "bytes in == tap", now.netmon.value[NETMON_BYTES_IN], now.peer_sent.ip_bytes);
}

void check_delta(const snapshot_t *before, const delta_t *want, const char *step)
{
	snapshot_t now;
	snapshot(&now);
	const uint64_t *a = before->netmon.value;
	const uint64_t *b = now.netmon.value;
	check_pair(step, "packets out delta", b[NETMON_PACKETS_OUT] - a[NETMON_PACKETS_OUT], want->tx_packets);
	check_pair(step, "bytes out delta", b[NETMON_BYTES_OUT] - a[NETMON_BYTES_OUT], want->tx_bytes);
	check_pair(step, "packets in delta", b[NETMON_PACKETS_IN] - a[NETMON_PACKETS_IN], want->rx_packets);
	check_pair(step, "bytes in delta", b[NETMON_BYTES_IN] - a[NETMON_BYTES_IN], want->rx_bytes);
}
