/*
 * netmon_test — host test of hardware/esp32/netmon.c against Debian's liblwip (IPv4 part + main).
 *
 * One lwIP instance, two Ethernet netifs on the in-memory wire: "st0" (192.0.2.1, the device's
 * interface, watched by netmon) and "pe1" (192.0.2.2, the network). Test PCBs are pinned to their
 * netif so traffic crosses the wire instead of lwIP's loopback shortcut. Prints "N passed, N failed".
 */

#include <stdio.h>
#include <string.h>

#include "apps.h"
#include "harness.h"
#include "xs_bridge.h"

#define WAIT_MS 3000
#define ECHO_SIZE 3000
#define SEGMENT_SIZE 500
#define EXTRA_UDP 20
#define EXTRA_LISTEN 20
#define EXTRA_CLIENTS 10
#define UDP_HEADERS 28   /* IPv4 20 + UDP 8 */
#define TCP_HEADERS 40   /* IPv4 20 + TCP 20, no options once established */

static netif_input_fn s_orig_input;
static netif_linkoutput_fn s_orig_linkoutput;
static struct tcp_pcb *s_listen_v4;
static struct tcp_pcb *s_listen_any;
static udp_app_t s_udp_st;
static udp_app_t s_udp_peer;
static tcp_client_t s_client;
static uint8_t s_sent[ECHO_SIZE + SEGMENT_SIZE];
static ip_addr_t s_peer_ip;

static void check_status(netmon_status_t got, netmon_status_t want, const char *what)
{
	check_str(netmon_status_name(got), netmon_status_name(want), what);
}

void test_attach(void)
{
	static struct netif blank;
	g_st.peer = &g_peer;
	g_peer.peer = &g_st;
	LOCKED(wire_add(&g_st, "st", 1, "192.0.2.1"));
	LOCKED(wire_add(&g_peer, "pe", 2, "192.0.2.2"));
	s_orig_input = g_st.nif.input;
	s_orig_linkoutput = g_st.nif.linkoutput;
	check_status(netmon_attach(NULL), NETMON_ERR_ARG, "attach NULL");
	check_status(netmon_attach(&blank), NETMON_ERR_NOT_READY, "attach before netif_add");
	check_status(netmon_attach(&g_st.nif), NETMON_OK, "attach st");
	netif_input_fn wrapped_input = g_st.nif.input;
	netif_linkoutput_fn wrapped_output = g_st.nif.linkoutput;
	CHECK(wrapped_input != s_orig_input && wrapped_output != s_orig_linkoutput, "pointers wrapped");
	check_status(netmon_attach(&g_st.nif), NETMON_OK, "attach st again");
	CHECK(g_st.nif.input == wrapped_input && g_st.nif.linkoutput == wrapped_output, "attach is idempotent");
	check_status(netmon_attach(&g_peer.nif), NETMON_ERR_BUSY, "attach a second netif");
	check_status(netmon_detach(&g_peer.nif), NETMON_ERR_NOT_ATTACHED, "detach a netif not attached");
	check_status(netmon_detach(NULL), NETMON_ERR_ARG, "detach NULL");
	LOCKED(g_st.nif.input = s_orig_input);  /* what netif_add does after a Wi-Fi restart */
	check_status(netmon_attach(&g_st.nif), NETMON_OK, "re-attach after netif_add");
	CHECK(g_st.nif.input == wrapped_input && g_st.nif.linkoutput == wrapped_output, "re-wrapped once");
	check_str(netmon_status_name((netmon_status_t)99), "NETMON_ERR_UNKNOWN", "unknown status name");
	LOCKED(netif_set_up(&g_st.nif); netif_set_link_up(&g_st.nif));
	LOCKED(netif_set_up(&g_peer.nif); netif_set_link_up(&g_peer.nif));
}

static void open_endpoints(void)
{
	err_t udp_st, udp_peer, connect;
	ipaddr_aton("192.0.2.2", &s_peer_ip);
	LOCK_TCPIP_CORE();
	s_listen_v4 = app_echo_listen(&g_peer.nif, IP4_ADDR_ANY, IPADDR_TYPE_V4, 8080);
	s_listen_any = app_echo_listen(NULL, IP_ANY_TYPE, IPADDR_TYPE_ANY, 8081);
	udp_st = app_udp_open(&s_udp_st, &g_st.nif, IP4_ADDR_ANY, 5000, 0);
	udp_peer = app_udp_open(&s_udp_peer, &g_peer.nif, &s_peer_ip, 6000, 50);
	connect = app_client_connect(&s_client, &g_st.nif, &s_peer_ip, 8080);
	UNLOCK_TCPIP_CORE();
	CHECK(s_listen_v4 != NULL && s_listen_any != NULL, "listeners open");
	CHECK(udp_st == ERR_OK && udp_peer == ERR_OK, "udp bound");
	CHECK(connect == ERR_OK, "tcp_connect");
	CHECK(app_wait(&s_client.connected, 1, WAIT_MS) == 0 && s_client.connected == 1, "connected");
}

static void echo(uint32_t from, uint16_t length)
{
	err_t err;
	for (uint32_t i = from; i < from + length; i++)
		s_sent[i] = (uint8_t)(i * 7 + 3);
	LOCKED(err = app_client_send(&s_client, s_sent + from, length));
	CHECK(err == ERR_OK, "client send");
	CHECK(app_wait(&s_client.received, from + length, WAIT_MS) == 0, "echo received");
	CHECK(memcmp(s_client.data + from, s_sent + from, length) == 0, "echo content");
}

static void check_ipv4_lists(void)
{
	uint16_t client_port;
	char remote[NETMON_REMOTE_LEN];
	LOCKED(client_port = s_client.pcb->local_port);
	const netmon_sockets_t *s = list_now();
	check_u64(s->tcp_listen.total, 2, "tcp listeners");
	check_port(&s->tcp_listen, 8080, "0.0.0.0", "pe1");
	check_port(&s->tcp_listen, 8081, "*", "");
	check_u64(s->udp.total, 2, "udp ports");
	check_port(&s->udp, 5000, "0.0.0.0", "st0");
	check_port(&s->udp, 6000, "192.0.2.2", "pe1");
	check_u64(s->established.total, 2, "established (both ends live in this stack)");
	const netmon_conn_t *client = find_conn(&s->established, client_port);
	const netmon_conn_t *server = find_conn(&s->established, 8080);
	CHECK(client != NULL && server != NULL, "both ends listed");
	if (client == NULL || server == NULL)
		return;
	check_str(client->remote, "192.0.2.2:8080", "client remote");
	check_str(client->ifname, "st0", "client interface");
	snprintf(remote, sizeof(remote), "192.0.2.1:%u", (unsigned)client_port);
	check_str(server->remote, remote, "server remote");
	check_str(server->ifname, "pe1", "accepted connection inherits the listener's netif");
}

void test_ipv4(void)
{
	snapshot_t before;
	wire_tap_t tap;
	open_endpoints();
	echo(0, ECHO_SIZE);
	check_ipv4_lists();
	check_quiet_matches_tap("tcp echo");
	wire_tap(&g_st, &tap);
	CHECK(tap.other_frames > 0, "ARP crossed the wire and was not counted");
	snapshot(&before);
	LOCKED(app_udp_send(&s_udp_st, &s_peer_ip, 6000, 100));
	CHECK(app_wait(&s_udp_st.datagrams, 1, WAIT_MS) == 0, "udp reply");
	check_u64(atomic_load(&s_udp_peer.bytes), 100, "peer received the datagram");
	check_u64(atomic_load(&s_udp_st.bytes), 50, "st received the reply");
	check_quiet_matches_tap("udp");
	check_delta(&before, &(delta_t){ 1, 100 + UDP_HEADERS, 1, 50 + UDP_HEADERS }, "udp exact");
	snapshot(&before);
	echo(ECHO_SIZE, SEGMENT_SIZE);
	check_quiet_matches_tap("tcp segment");
	/* data + delayed pure ACK out; the echo carries the ACK of our data */
	check_delta(&before, &(delta_t){ 2, SEGMENT_SIZE + 2 * TCP_HEADERS, 1, SEGMENT_SIZE + TCP_HEADERS }, "tcp exact");
}

static void truncate_udp(void)
{
	static udp_app_t extra[EXTRA_UDP];
	err_t err = ERR_OK;
	LOCK_TCPIP_CORE();
	for (int i = 0; i < EXTRA_UDP; i++)
		err |= app_udp_open(&extra[i], &g_peer.nif, IP4_ADDR_ANY, (uint16_t)(7000 + i), 0);
	UNLOCK_TCPIP_CORE();
	CHECK(err == ERR_OK, "extra udp bound");
	const netmon_sockets_t *s = list_now();
	check_u64(s->udp.count, NETMON_MAX, "udp list capped at NETMON_MAX");
	check_u64(s->udp.total, EXTRA_UDP + 2, "udp total counts every port");
	check_xs_list(XS_LIST_UDP, 2, EXTRA_UDP + 2, "xs_netmon_list udp");
	LOCK_TCPIP_CORE();
	for (int i = 0; i < EXTRA_UDP; i++)
		app_udp_close(&extra[i]);
	UNLOCK_TCPIP_CORE();
	check_u64(list_now()->udp.total, 2, "extra udp closed");
}

/* More TCP listeners and ESTABLISHED connections than the table holds: total stays true. */
static void truncate_tcp(void)
{
	static struct tcp_pcb *listeners[EXTRA_LISTEN];
	static tcp_client_t clients[EXTRA_CLIENTS];
	uint32_t closed = atomic_load(app_echo_closed());
	uint32_t accepted = atomic_load(app_echo_accepted());
	int opened = 1;
	err_t err = ERR_OK;
	LOCK_TCPIP_CORE();
	for (int i = 0; i < EXTRA_LISTEN; i++) {
		listeners[i] = app_echo_listen(&g_peer.nif, IP4_ADDR_ANY, IPADDR_TYPE_V4, (uint16_t)(9000 + i));
		opened &= listeners[i] != NULL;
	}
	for (int i = 0; i < EXTRA_CLIENTS; i++)
		err |= app_client_connect(&clients[i], &g_st.nif, &s_peer_ip, 8080);
	UNLOCK_TCPIP_CORE();
	CHECK(opened && err == ERR_OK, "extra listeners and clients open");
	for (int i = 0; i < EXTRA_CLIENTS; i++)
		CHECK(app_wait(&clients[i].connected, 1, WAIT_MS) == 0 && clients[i].connected == 1, "extra client connected");
	CHECK(app_wait(app_echo_accepted(), accepted + EXTRA_CLIENTS, WAIT_MS) == 0, "server ends accepted");
	const netmon_sockets_t *s = list_now();
	check_u64(s->tcp_listen.count, NETMON_MAX, "tcp listeners capped at NETMON_MAX");
	check_u64(s->tcp_listen.total, EXTRA_LISTEN + 2, "tcp listener total counts every listener");
	check_u64(s->established.count, NETMON_MAX, "established capped at NETMON_MAX");
	/* both ends of every connection live in this stack; s_client's two ends too */
	check_u64(s->established.total, 2 * EXTRA_CLIENTS + 2, "established total counts every connection");
	check_xs_list(XS_LIST_TCP, 2, EXTRA_LISTEN + 2, "xs_netmon_list tcp");
	check_xs_list(XS_LIST_ESTABLISHED, 3, 2 * EXTRA_CLIENTS + 2, "xs_netmon_list established");
	LOCK_TCPIP_CORE();
	for (int i = 0; i < EXTRA_CLIENTS; i++)
		app_client_close(&clients[i]);
	for (int i = 0; i < EXTRA_LISTEN; i++)
		tcp_close(listeners[i]);
	UNLOCK_TCPIP_CORE();
	CHECK(app_wait(app_echo_closed(), closed + EXTRA_CLIENTS, WAIT_MS) == 0, "extra connections closed");
	s = list_now();
	check_u64(s->tcp_listen.total, 2, "extra listeners closed");
	check_u64(s->established.total, 2, "only s_client's two ends still established");
	check_xs_list(XS_LIST_TCP, 2, 2, "xs_netmon_list tcp, under the cap");
}

void test_truncation(void)
{
	truncate_udp();
	truncate_tcp();
}

void test_close(void)
{
	uint32_t closed = atomic_load(app_echo_closed());
	LOCKED(app_client_close(&s_client));
	CHECK(app_wait(app_echo_closed(), closed + 1, WAIT_MS) == 0, "server saw FIN");
	check_quiet_matches_tap("close");
	const netmon_sockets_t *s = list_now();
	check_u64(s->established.total, 0, "no established after close (client is in TIME_WAIT)");
	check_u64(s->tcp_listen.total, 2, "listeners still listed");
}

void test_detach(void)
{
	snapshot_t before, after;
	check_status(netmon_detach(&g_st.nif), NETMON_OK, "detach");
	CHECK(g_st.nif.input == s_orig_input && g_st.nif.linkoutput == s_orig_linkoutput, "pointers restored");
	check_status(netmon_detach(&g_st.nif), NETMON_ERR_NOT_ATTACHED, "detach twice");
	snapshot(&before);
	LOCKED(app_udp_send(&s_udp_st, &s_peer_ip, 6000, 100));
	CHECK(app_wait(&s_udp_st.datagrams, 2, WAIT_MS) == 0, "udp reply after detach");
	snapshot(&after);
	CHECK(after.st_sent.ip_packets > before.st_sent.ip_packets, "traffic after detach");
	check_delta(&before, &(delta_t){ 0, 0, 0, 0 }, "nothing counted after detach");
	LOCK_TCPIP_CORE();
	tcp_close(s_listen_v4);
	tcp_close(s_listen_any);
	app_udp_close(&s_udp_st);
	app_udp_close(&s_udp_peer);
	UNLOCK_TCPIP_CORE();
	const netmon_sockets_t *s = list_now();
	check_u64((uint64_t)s->tcp_listen.total + s->udp.total + s->established.total, 0, "lists empty");
}

static void tcpip_ready(void *arg)
{
	sys_sem_signal((sys_sem_t *)arg);
}

int main(void)
{
	sys_sem_t ready;
	uint64_t start = wire_now_ms();
	sys_sem_new(&ready, 0);
	tcpip_init(tcpip_ready, &ready);
	sys_sem_wait(&ready);
	sys_sem_free(&ready);
	wire_start();
	test_attach();
	test_ipv4();
	test_truncation();
	test_ipv6();
	test_close();
	test_frames();
	test_detach();
	printf("time %llu ms\n", (unsigned long long)(wire_now_ms() - start));
	return check_summary();
}
