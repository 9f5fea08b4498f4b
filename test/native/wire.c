/*
 * wire — in-memory Ethernet segment with an independent tap (see wire.h).
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "wire.h"

enum { TAP_PACKETS, TAP_BYTES, TAP_OTHER };

typedef struct frame {
	struct frame *next;
	wire_port_t *dst;
	uint16_t length;
	uint8_t data[];
} frame_t;

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t s_ready = PTHREAD_COND_INITIALIZER;
static frame_t *s_head, *s_tail;
static _Atomic uint64_t s_last_activity_ms;

uint64_t wire_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint32_t be16(const uint8_t *p)
{
	return ((uint32_t)p[0] << 8) | p[1];
}

/* The tap's own parse of a flat frame: IP length from the header, 0 for non-IP frames. */
static uint32_t tap_ip_length(const uint8_t *data, uint32_t length)
{
	uint32_t offset = ETH_PAD_SIZE + 12;
	uint32_t type = length >= offset + 2 ? be16(data + offset) : 0;
	if (type == 0x8100) {
		offset += 4;
		type = be16(data + offset);
	}
	offset += 2;
	if (type == 0x0800 && length >= offset + 20)
		return be16(data + offset + 2);
	if (type == 0x86DD && length >= offset + 40)
		return 40 + be16(data + offset + 4);
	return 0;
}

static void tap_count(wire_port_t *from, const frame_t *f)
{
	uint32_t ip = tap_ip_length(f->data, f->length);
	if (ip) {
		atomic_fetch_add(&from->sent[TAP_PACKETS], 1);
		atomic_fetch_add(&from->sent[TAP_BYTES], ip);
	}
	else
		atomic_fetch_add(&from->sent[TAP_OTHER], 1);
}

static void enqueue(frame_t *f)
{
	pthread_mutex_lock(&s_lock);
	f->next = NULL;
	if (s_tail)
		s_tail->next = f;
	else
		s_head = f;
	s_tail = f;
	atomic_store(&s_last_activity_ms, wire_now_ms());
	pthread_cond_signal(&s_ready);
	pthread_mutex_unlock(&s_lock);
}

static frame_t *dequeue(void)
{
	pthread_mutex_lock(&s_lock);
	while (s_head == NULL)
		pthread_cond_wait(&s_ready, &s_lock);
	frame_t *f = s_head;
	s_head = f->next;
	if (s_head == NULL)
		s_tail = NULL;
	pthread_mutex_unlock(&s_lock);
	return f;
}

static err_t wire_linkoutput(struct netif *nif, struct pbuf *p)
{
	wire_port_t *from = (wire_port_t *)nif->state;
	if (atomic_load(&from->fail_tx))
		return ERR_IF;
	frame_t *f = malloc(sizeof(frame_t) + p->tot_len);
	if (f == NULL)
		return ERR_MEM;
	f->dst = from->peer;
	f->length = pbuf_copy_partial(p, f->data, p->tot_len, 0);
	tap_count(from, f);
	enqueue(f);
	return ERR_OK;
}

/* The "Wi-Fi driver task": RX outside the tcpip thread, pbuf freed on error like wlanif_input. */
static void *phy_thread(void *arg)
{
	(void)arg;
	for (;;) {
		frame_t *f = dequeue();
		struct netif *dst = &f->dst->nif;
		struct pbuf *p = pbuf_alloc(PBUF_RAW, f->length, PBUF_RAM);
		if (p != NULL) {
			pbuf_take(p, f->data, f->length);
			if (dst->input(p, dst) != ERR_OK)
				pbuf_free(p);
		}
		free(f);
		atomic_store(&s_last_activity_ms, wire_now_ms());
	}
	return NULL;
}

void wire_start(void)
{
	pthread_t thread;
	pthread_create(&thread, NULL, phy_thread, NULL);
	pthread_detach(thread);
}

static err_t port_init(struct netif *nif)
{
	wire_port_t *port = (wire_port_t *)nif->state;
	static const uint8_t mac[5] = { 0x02, 0x00, 0x5e, 0x10, 0x00 };
	memcpy(nif->hwaddr, mac, sizeof(mac));
	nif->hwaddr[5] = port->mac_last;
	nif->hwaddr_len = ETH_HWADDR_LEN;
	nif->mtu = 1500;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	nif->output = etharp_output;
	nif->output_ip6 = ethip6_output;
	nif->linkoutput = wire_linkoutput;
	return ERR_OK;
}

void wire_add(wire_port_t *port, const char *name, uint8_t mac_last, const char *ip4)
{
	ip4_addr_t addr, mask, gw;
	ip4addr_aton(ip4, &addr);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	ip4_addr_set_zero(&gw);
	port->mac_last = mac_last;
	netif_add(&port->nif, &addr, &mask, &gw, port, port_init, tcpip_input);
	port->nif.name[0] = name[0];
	port->nif.name[1] = name[1];
}

void wire_tap(wire_port_t *port, wire_tap_t *out)
{
	out->ip_packets = atomic_load(&port->sent[TAP_PACKETS]);
	out->ip_bytes = atomic_load(&port->sent[TAP_BYTES]);
	out->other_frames = atomic_load(&port->sent[TAP_OTHER]);
}

int wire_wait_quiet(int quiet_ms, int max_ms)
{
	uint64_t start = wire_now_ms();
	struct timespec step = { 0, 10 * 1000000L };
	while (wire_now_ms() - start < (uint64_t)max_ms) {
		pthread_mutex_lock(&s_lock);
		int empty = s_head == NULL;
		pthread_mutex_unlock(&s_lock);
		if (empty && wire_now_ms() - atomic_load(&s_last_activity_ms) >= (uint64_t)quiet_ms)
			return 0;
		nanosleep(&step, NULL);
	}
	return -1;
}
