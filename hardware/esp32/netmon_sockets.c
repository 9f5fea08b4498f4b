/*
 * netmon — listing half: TCP listeners, bound UDP ports and ESTABLISHED TCP connections.
 *
 * The PCB lists belong to the tcpip thread, so the walk runs there through tcpip_api_call and
 * copies into the caller's fixed arrays (no allocation). Entries beyond NETMON_MAX are counted in
 * `total` only.
 */

#include <stdio.h>
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/priv/tcpip_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "netmon.h"

void netmon_ifname(const struct netif *nif, char *buf)
{
	snprintf(buf, NETMON_IFNAME_LEN, "%c%c%u", nif->name[0], nif->name[1], (unsigned)(uint8_t)nif->num);
}

/* lwIP 2.1 prints IPv6 hex digits in upper case; RFC 5952 asks for lower case. */
static void lowercase(char *text)
{
	for (; *text; text++) {
		if (*text >= 'A' && *text <= 'F')
			*text = (char)(*text - 'A' + 'a');
	}
}

/* "*" for the dual-stack wildcard, otherwise lwIP's text form ("0.0.0.0", "::", "192.0.2.1"). */
static void format_local(const ip_addr_t *addr, char *buf)
{
	if (IP_IS_ANY_TYPE_VAL(*addr))
		strcpy(buf, "*");
	else if (ipaddr_ntoa_r(addr, buf, NETMON_ADDR_LEN) == NULL)
		strcpy(buf, "?");
	lowercase(buf);
}

static void format_remote(const ip_addr_t *addr, uint16_t port, char *buf)
{
	char text[NETMON_ADDR_LEN];
	if (ipaddr_ntoa_r(addr, text, sizeof(text)) == NULL)
		strcpy(text, "?");
	lowercase(text);
	if (IP_IS_V6(addr))
		snprintf(buf, NETMON_REMOTE_LEN, "[%s]:%u", text, (unsigned)port);
	else
		snprintf(buf, NETMON_REMOTE_LEN, "%s:%u", text, (unsigned)port);
}

static int netif_owns(struct netif *nif, const ip_addr_t *addr)
{
#if LWIP_IPV6
	if (IP_IS_V6(addr))
		return netif_get_ip6_addr_match(nif, ip_2_ip6(addr)) >= 0;
#endif
#if LWIP_IPV4
	return ip4_addr_get_u32(netif_ip4_addr(nif)) == ip4_addr_get_u32(ip_2_ip4(addr));
#else
	return 0;
#endif
}

/* The netif a PCB is pinned to (tcp/udp_bind_netif) or whose address it is bound to, or NULL. */
static struct netif *owning_netif(uint8_t netif_idx, const ip_addr_t *local)
{
	struct netif *nif;
	if (netif_idx != NETIF_NO_INDEX)
		return netif_get_by_index(netif_idx);
	if (ip_addr_isany(local))
		return NULL;
	NETIF_FOREACH(nif) {
		if (netif_owns(nif, local))
			return nif;
	}
	return NULL;
}

static void set_ifname(struct netif *nif, char *buf)
{
	if (nif != NULL)
		netmon_ifname(nif, buf);
	else
		buf[0] = 0;
}

static void add_port(netmon_port_list_t *list, uint16_t port, const ip_addr_t *local, uint8_t netif_idx)
{
	list->total++;
	if (list->count >= NETMON_MAX)
		return;
	netmon_port_t *item = &list->item[list->count++];
	item->port = port;
	format_local(local, item->addr);
	set_ifname(owning_netif(netif_idx, local), item->ifname);
}

static void add_conn(netmon_conn_list_t *list, const struct tcp_pcb *pcb)
{
	list->total++;
	if (list->count >= NETMON_MAX)
		return;
	netmon_conn_t *item = &list->item[list->count++];
	item->local_port = pcb->local_port;
	format_remote(&pcb->remote_ip, pcb->remote_port, item->remote);
	set_ifname(owning_netif(pcb->netif_idx, &pcb->local_ip), item->ifname);
}

static void list_tcp_listeners(netmon_port_list_t *list)
{
	for (struct tcp_pcb_listen *pcb = tcp_listen_pcbs.listen_pcbs; pcb != NULL; pcb = pcb->next)
		add_port(list, pcb->local_port, &pcb->local_ip, pcb->netif_idx);
}

static void list_udp(netmon_port_list_t *list)
{
	for (struct udp_pcb *pcb = udp_pcbs; pcb != NULL; pcb = pcb->next) {
		if (pcb->local_port != 0)
			add_port(list, pcb->local_port, &pcb->local_ip, pcb->netif_idx);
	}
}

static void list_established(netmon_conn_list_t *list)
{
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
		if (pcb->state == ESTABLISHED)
			add_conn(list, pcb);
	}
}

struct list_call {
	struct tcpip_api_call_data call;  /* must be first: tcpip_api_call hands back its address */
	netmon_sockets_t *out;
};

static err_t do_list_call(struct tcpip_api_call_data *call)
{
	netmon_sockets_t *out = ((struct list_call *)call)->out;
	memset(out, 0, sizeof(*out));
	list_tcp_listeners(&out->tcp_listen);
	list_udp(&out->udp);
	list_established(&out->established);
	return ERR_OK;
}

netmon_status_t netmon_list_sockets(netmon_sockets_t *out)
{
	struct list_call msg = { .out = out };
	if (out == NULL)
		return NETMON_ERR_ARG;
	if (tcpip_api_call(do_list_call, &msg.call) != ERR_OK)
		return NETMON_ERR_CALL;
	return NETMON_OK;
}
