/*
 * netmon — counting half: wraps a netif's input/linkoutput and accumulates IP packets and bytes.
 *
 * RX is counted in the caller of netif->input (the Wi-Fi driver task on ESP32), TX in the tcpip
 * thread. Only frames the wrapped function accepts (ERR_OK) are counted. Counters are 64-bit C11
 * atomics with relaxed ordering: each is exact, they are not a joint snapshot.
 */

#include <stdatomic.h>

#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/priv/tcpip_priv.h"

#include "netmon.h"

#define ETH_TYPE_OFFSET (ETH_PAD_SIZE + 12)
#define ETH_HEADER_LEN (ETH_PAD_SIZE + 14)
#define VLAN_TAG_LEN 4
#define IP4_MIN_HEADER 20
#define IP6_HEADER 40

static _Atomic uint64_t s_counter[NETMON_COUNTERS];
static _Atomic(netif_input_fn) s_orig_input;
static _Atomic(netif_linkoutput_fn) s_orig_linkoutput;
static struct netif *s_nif;  /* written only in the tcpip thread */

static uint32_t read_be16(const struct pbuf *p, uint32_t offset)
{
	return ((uint32_t)pbuf_get_at(p, (u16_t)offset) << 8) | pbuf_get_at(p, (u16_t)(offset + 1));
}

/* Offset of the IP header in an Ethernet frame, or 0 when the frame carries no IPv4/IPv6. */
static uint32_t ethernet_ip_offset(const struct pbuf *p)
{
	uint32_t offset = ETH_HEADER_LEN;
	uint32_t type;
	if (p->tot_len < ETH_HEADER_LEN)
		return 0;
	type = read_be16(p, ETH_TYPE_OFFSET);
	if (type == ETHTYPE_VLAN) {
		if (p->tot_len < ETH_HEADER_LEN + VLAN_TAG_LEN)
			return 0;
		type = read_be16(p, ETH_TYPE_OFFSET + VLAN_TAG_LEN);
		offset += VLAN_TAG_LEN;
	}
	return (type == ETHTYPE_IP || type == ETHTYPE_IPV6) ? offset : 0;
}

/* Length of the IP packet at offset (header included), clamped to the frame; 0 if malformed. */
static uint32_t ip_length_at(const struct pbuf *p, uint32_t offset)
{
	uint32_t available = (p->tot_len > offset) ? p->tot_len - offset : 0;
	uint32_t length;
	if (available < IP4_MIN_HEADER)
		return 0;
	switch (pbuf_get_at(p, (u16_t)offset) >> 4) {
	case 4:
		length = read_be16(p, offset + 2);
		break;
	case 6:
		if (available < IP6_HEADER)
			return 0;
		length = IP6_HEADER + read_be16(p, offset + 4);
		break;
	default:
		return 0;
	}
	return (length < available) ? length : available;
}

/* IP bytes in the frame p of netif nif, 0 when it is not an IP packet (ARP, padding excluded). */
static uint32_t ip_packet_length(const struct netif *nif, const struct pbuf *p)
{
	uint32_t offset = 0;
	if (nif->flags & (NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET)) {
		offset = ethernet_ip_offset(p);
		if (offset == 0)
			return 0;
	}
	return ip_length_at(p, offset);
}

static void count(int packets, int bytes, uint32_t length)
{
	atomic_fetch_add_explicit(&s_counter[packets], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s_counter[bytes], length, memory_order_relaxed);
}

static err_t netmon_input(struct pbuf *p, struct netif *inp)
{
	uint32_t length = ip_packet_length(inp, p);  /* before: p belongs to the stack after ERR_OK */
	netif_input_fn next = atomic_load_explicit(&s_orig_input, memory_order_acquire);
	err_t err = next(p, inp);
	if (err == ERR_OK && length)
		count(NETMON_PACKETS_IN, NETMON_BYTES_IN, length);
	return err;
}

static err_t netmon_linkoutput(struct netif *nif, struct pbuf *p)
{
	uint32_t length = ip_packet_length(nif, p);
	netif_linkoutput_fn next = atomic_load_explicit(&s_orig_linkoutput, memory_order_acquire);
	err_t err = next(nif, p);
	if (err == ERR_OK && length)
		count(NETMON_PACKETS_OUT, NETMON_BYTES_OUT, length);
	return err;
}

netmon_status_t netmon_attach_locked(struct netif *nif)
{
	LWIP_ASSERT_CORE_LOCKED();
	if (nif == NULL)
		return NETMON_ERR_ARG;
	if (s_nif != NULL && s_nif != nif)
		return NETMON_ERR_BUSY;
	if (nif->input == NULL || nif->linkoutput == NULL)
		return NETMON_ERR_NOT_READY;
	if (nif->input != netmon_input) {
		atomic_store_explicit(&s_orig_input, nif->input, memory_order_release);
		nif->input = netmon_input;
	}
	if (nif->linkoutput != netmon_linkoutput) {
		atomic_store_explicit(&s_orig_linkoutput, nif->linkoutput, memory_order_release);
		nif->linkoutput = netmon_linkoutput;
	}
	s_nif = nif;
	return NETMON_OK;
}

/* The saved originals are left in place: a frame already inside a wrapper still finds them. */
netmon_status_t netmon_detach_locked(struct netif *nif)
{
	LWIP_ASSERT_CORE_LOCKED();
	if (nif == NULL)
		return NETMON_ERR_ARG;
	if (s_nif != nif)
		return NETMON_ERR_NOT_ATTACHED;
	if (nif->input == netmon_input)
		nif->input = atomic_load_explicit(&s_orig_input, memory_order_relaxed);
	if (nif->linkoutput == netmon_linkoutput)
		nif->linkoutput = atomic_load_explicit(&s_orig_linkoutput, memory_order_relaxed);
	s_nif = NULL;
	return NETMON_OK;
}

struct attach_call {
	struct tcpip_api_call_data call;  /* must be first: tcpip_api_call hands back its address */
	struct netif *nif;
	netmon_status_t (*fn)(struct netif *nif);
	netmon_status_t status;
};

static err_t do_attach_call(struct tcpip_api_call_data *call)
{
	struct attach_call *msg = (struct attach_call *)call;
	msg->status = msg->fn(msg->nif);
	return ERR_OK;
}

static netmon_status_t run_in_tcpip(netmon_status_t (*fn)(struct netif *nif), struct netif *nif)
{
	struct attach_call msg = { .nif = nif, .fn = fn, .status = NETMON_ERR_CALL };
	if (tcpip_api_call(do_attach_call, &msg.call) != ERR_OK)
		return NETMON_ERR_CALL;
	return msg.status;
}

netmon_status_t netmon_attach(struct netif *nif)
{
	return run_in_tcpip(netmon_attach_locked, nif);
}

netmon_status_t netmon_detach(struct netif *nif)
{
	return run_in_tcpip(netmon_detach_locked, nif);
}

void netmon_read(netmon_counters_t *out)
{
	for (int i = 0; i < NETMON_COUNTERS; i++)
		out->value[i] = atomic_load_explicit(&s_counter[i], memory_order_relaxed);
}

const char *netmon_status_name(netmon_status_t status)
{
	switch (status) {
	case NETMON_OK: return "NETMON_OK";
	case NETMON_ERR_ARG: return "NETMON_ERR_ARG";
	case NETMON_ERR_NOT_READY: return "NETMON_ERR_NOT_READY";
	case NETMON_ERR_BUSY: return "NETMON_ERR_BUSY";
	case NETMON_ERR_NOT_ATTACHED: return "NETMON_ERR_NOT_ATTACHED";
	case NETMON_ERR_CALL: return "NETMON_ERR_CALL";
	case NETMON_ERR_NO_NETIF: return "NETMON_ERR_NO_NETIF";
	}
	return "NETMON_ERR_UNKNOWN";
}
