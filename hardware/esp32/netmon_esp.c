/*
 * netmon_esp — ESP-IDF glue and XS binding of netmon (ESP32 only; not compiled on the host).
 *
 * Finds the Wi-Fi station's lwIP netif ("WIFI_STA_DEF"), attaches netmon to it and keeps it
 * attached: every Wi-Fi stop/start runs netif_remove/netif_add, which resets the netif's input
 * and linkoutput, so an lwIP ext-status callback re-attaches on LWIP_NSC_NETIF_ADDED (it runs in
 * the tcpip thread, hence netmon_attach_locked). The host functions copy netmon's data into static
 * storage first and only then build JS values (no lwIP lock is held while XS allocates).
 *
 * Host functions (bound from netdriver.ts with native()):
 *   xs_netmon_start()        -> status name; attaches now or as soon as the netif is added
 *   xs_netmon_status()       -> status name of the latest attach (start or callback)
 *   xs_netmon_read(out)      -> boot generation; out[0..3] = bytes in/out, packets in/out
 *   xs_netmon_list(kind)     -> flat array, first the true count (entries past NETMON_MAX are
 *                               counted, not listed), then kind 0/1 [port, ifname, ...],
 *                               kind 2 [localPort, remote, ifname, ...]
 */

#include <stdatomic.h>

#include "xsmc.h"
#include "xsHost.h"

#include "esp_netif.h"
#include "esp_netif_net_stack.h"
#include "esp_random.h"
#include "lwip/netif.h"
#include "lwip/priv/tcpip_priv.h"

#include "netmon.h"

#define STA_IFKEY "WIFI_STA_DEF"
#define LIST_TCP 0
#define LIST_UDP 1
#define LIST_ESTABLISHED 2

NETIF_DECLARE_EXT_CALLBACK(s_netif_callback)
static struct netif *s_target;             /* tcpip thread only */
static uint8_t s_registered;               /* tcpip thread only */
static _Atomic int s_status = NETMON_ERR_NOT_READY;
static uint32_t s_generation;              /* XS task only */
static netmon_sockets_t s_sockets;         /* XS task only: too big for the task stack */

static int netif_is_added(const struct netif *nif)
{
	struct netif *each;
	NETIF_FOREACH(each) {
		if (each == nif)
			return 1;
	}
	return 0;
}

static void on_netif_event(struct netif *nif, netif_nsc_reason_t reason, const netif_ext_callback_args_t *args)
{
	(void)args;
	if ((reason & LWIP_NSC_NETIF_ADDED) && nif == s_target)
		atomic_store(&s_status, netmon_attach_locked(nif));
}

struct start_call {
	struct tcpip_api_call_data call;  /* must be first: tcpip_api_call hands back its address */
	struct netif *nif;
};

/* Runs in the tcpip thread: the callback list and netif_list belong to it. */
static err_t do_start(struct tcpip_api_call_data *call)
{
	struct netif *nif = ((struct start_call *)call)->nif;
	if (!s_registered) {
		netif_add_ext_callback(&s_netif_callback, on_netif_event);
		s_registered = 1;
	}
	s_target = nif;
	/* not added yet (Wi-Fi not started): on_netif_event attaches when it is */
	atomic_store(&s_status, netif_is_added(nif) ? netmon_attach_locked(nif) : NETMON_ERR_NOT_READY);
	return ERR_OK;
}

static netmon_status_t start(void)
{
	esp_netif_t *handle = esp_netif_get_handle_from_ifkey(STA_IFKEY);
	struct start_call msg = { .nif = NULL };
	if (handle == NULL)
		return NETMON_ERR_NO_NETIF;
	msg.nif = esp_netif_get_netif_impl(handle);
	if (msg.nif == NULL)
		return NETMON_ERR_NO_NETIF;
	if (tcpip_api_call(do_start, &msg.call) != ERR_OK)
		return NETMON_ERR_CALL;
	return (netmon_status_t)atomic_load(&s_status);
}

void xs_netmon_start(xsMachine *the)
{
	xsmcSetString(xsResult, (char *)netmon_status_name(start()));
}

void xs_netmon_status(xsMachine *the)
{
	xsmcSetString(xsResult, (char *)netmon_status_name((netmon_status_t)atomic_load(&s_status)));
}

/* Counters start at 0 at boot and are never reset, so one random number per boot identifies them. */
static uint32_t generation(void)
{
	if (s_generation == 0)
		s_generation = (esp_random() >> 1) | 1;  /* 1 .. 2^31 - 1: an XS integer */
	return s_generation;
}

void xs_netmon_read(xsMachine *the)
{
	netmon_counters_t counters;
	netmon_read(&counters);
	xsmcVars(1);
	for (int i = 0; i < NETMON_COUNTERS; i++) {
		xsmcSetNumber(xsVar(0), (double)counters.value[i]);  /* exact below 2^53 */
		xsmcSetIndex(xsArg(0), i, xsVar(0));
	}
	xsmcSetInteger(xsResult, (xsIntegerValue)generation());
}

static void push_integer(xsMachine *the, int *at, int value)
{
	xsmcSetInteger(xsVar(0), value);
	xsmcSetIndex(xsResult, (*at)++, xsVar(0));
}

static void push_string(xsMachine *the, int *at, const char *value)
{
	xsmcSetString(xsVar(0), (char *)value);
	xsmcSetIndex(xsResult, (*at)++, xsVar(0));
}

static void build_ports(xsMachine *the, const netmon_port_list_t *list)
{
	int at = 0;
	xsmcSetNewArray(xsResult, 1 + list->count * 2);
	push_integer(the, &at, list->total);
	for (int i = 0; i < list->count; i++) {
		push_integer(the, &at, list->item[i].port);
		push_string(the, &at, list->item[i].ifname);
	}
}

static void build_connections(xsMachine *the, const netmon_conn_list_t *list)
{
	int at = 0;
	xsmcSetNewArray(xsResult, 1 + list->count * 3);
	push_integer(the, &at, list->total);
	for (int i = 0; i < list->count; i++) {
		push_integer(the, &at, list->item[i].local_port);
		push_string(the, &at, list->item[i].remote);
		push_string(the, &at, list->item[i].ifname);
	}
}

void xs_netmon_list(xsMachine *the)
{
	int kind = xsmcToInteger(xsArg(0));
	netmon_status_t status;
	if (kind < LIST_TCP || kind > LIST_ESTABLISHED)
		xsRangeError("netmon: list kind %d", kind);
	status = netmon_list_sockets(&s_sockets);
	if (status != NETMON_OK)
		xsUnknownError("%s", netmon_status_name(status));
	xsmcVars(1);
	if (kind == LIST_ESTABLISHED)
		build_connections(the, &s_sockets.established);
	else
		build_ports(the, kind == LIST_TCP ? &s_sockets.tcp_listen : &s_sockets.udp);
}
