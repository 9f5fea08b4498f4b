/*
 * test_ipv6 — netmon over IPv6 link-local: real DAD and ND on the wire, UDP exact counts, "::"
 * listing and "[v6]:port" formatting of an ESTABLISHED connection.
 */

#include <time.h>

#include "lwip/ip6_addr.h"

#include "apps.h"
#include "harness.h"

#define DAD_MAX_MS 5000
#define WAIT_MS 3000
#define UDP6_HEADERS 48  /* IPv6 40 + UDP 8 */

static udp_app_t s_udp_st;
static udp_app_t s_udp_peer;
static tcp_client_t s_client;

static int both_preferred(void)
{
	u8_t st, peer;
	LOCK_TCPIP_CORE();
	st = netif_ip6_addr_state(&g_st.nif, 0);
	peer = netif_ip6_addr_state(&g_peer.nif, 0);
	UNLOCK_TCPIP_CORE();
	return ip6_addr_ispreferred(st) && ip6_addr_ispreferred(peer);
}

static int wait_dad(void)
{
	struct timespec step = { 0, 20 * 1000000L };
	uint64_t start = wire_now_ms();
	while (!both_preferred()) {
		if (wire_now_ms() - start > DAD_MAX_MS)
			return -1;
		nanosleep(&step, NULL);
	}
	return 0;
}

static void start_link_local(void)
{
	LOCK_TCPIP_CORE();
	g_st.nif.rs_count = 0;
	g_peer.nif.rs_count = 0;
	netif_create_ip6_linklocal_address(&g_st.nif, 1);
	netif_create_ip6_linklocal_address(&g_peer.nif, 1);
	UNLOCK_TCPIP_CORE();
	CHECK(wait_dad() == 0, "DAD finished on both link-local addresses");
	check_quiet_matches_tap("ipv6 DAD");
}

static void udp_rounds(const ip_addr_t *peer)
{
	err_t st, pe, err;
	snapshot_t before;
	LOCK_TCPIP_CORE();
	st = app_udp_open(&s_udp_st, &g_st.nif, IP6_ADDR_ANY, 5001, 0);
	pe = app_udp_open(&s_udp_peer, &g_peer.nif, IP6_ADDR_ANY, 6001, 50);
	UNLOCK_TCPIP_CORE();
	CHECK(st == ERR_OK && pe == ERR_OK, "udp6 bound");
	for (uint32_t round = 1; round <= 2; round++) {
		snapshot(&before);
		LOCKED(err = app_udp_send(&s_udp_st, peer, 6001, 100));
		CHECK(err == ERR_OK && app_wait(&s_udp_st.datagrams, round, WAIT_MS) == 0, "udp6 reply");
		check_quiet_matches_tap("udp6");
	}
	/* round 1 also carried neighbour discovery; round 2 is the datagrams alone */
	check_delta(&before, &(delta_t){ 1, 100 + UDP6_HEADERS, 1, 50 + UDP6_HEADERS }, "udp6 exact");
}

static void tcp_connection(const ip_addr_t *peer)
{
	static const uint8_t hello[10] = "0123456789";
	err_t err;
	uint16_t local_port;
	LOCKED(err = app_client_connect(&s_client, &g_st.nif, peer, 8081));
	CHECK(err == ERR_OK, "tcp6 connect");
	CHECK(app_wait(&s_client.connected, 1, WAIT_MS) == 0 && s_client.connected == 1, "tcp6 connected");
	LOCKED(err = app_client_send(&s_client, hello, sizeof(hello)); local_port = s_client.pcb->local_port);
	CHECK(err == ERR_OK && app_wait(&s_client.received, sizeof(hello), WAIT_MS) == 0, "tcp6 echo");
	const netmon_sockets_t *s = list_now();
	const netmon_conn_t *conn = find_conn(&s->established, local_port);
	CHECK(conn != NULL, "tcp6 connection listed");
	if (conn != NULL) {
		check_str(conn->remote, "[fe80::5eff:fe10:2]:8081", "v6 remote format");
		check_str(conn->ifname, "st0", "v6 connection interface");
	}
	check_port(&s->udp, 5001, "::", "st0");
	check_port(&s->udp, 6001, "::", "pe1");
	uint32_t closed = atomic_load(app_echo_closed());
	LOCKED(app_client_close(&s_client));
	CHECK(app_wait(app_echo_closed(), closed + 1, WAIT_MS) == 0, "tcp6 server saw FIN");
}

void test_ipv6(void)
{
	ip_addr_t peer;
	start_link_local();
	LOCKED(ip_addr_copy(peer, *netif_ip_addr6(&g_peer.nif, 0)));
	/* the address is zoned to the peer's netif; seen from st it lives on st's link */
	ip6_addr_set_zone(ip_2_ip6(&peer), netif_get_index(&g_st.nif));
	udp_rounds(&peer);
	tcp_connection(&peer);
	check_quiet_matches_tap("tcp6");
	LOCK_TCPIP_CORE();
	app_udp_close(&s_udp_st);
	app_udp_close(&s_udp_peer);
	UNLOCK_TCPIP_CORE();
}
