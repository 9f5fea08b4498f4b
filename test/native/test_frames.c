/*
 * test_frames — frames injected straight into the watched netif's input (as the Wi-Fi driver
 * would): VLAN tags, Ethernet padding, truncated and non-IP frames, a header split across a pbuf
 * chain; plus the error paths (a refusing input function, a driver TX error) that count nothing.
 */

#include <string.h>

#include "lwip/pbuf.h"
#include "lwip/tcpip.h"

#include "apps.h"
#include "harness.h"

#define ETH 14
#define MAX_FRAME 128

typedef struct {
	uint8_t bytes[MAX_FRAME];
	uint16_t length;
} frame_t;

/* Ethernet header to st, then an optional VLAN tag, then the ethertype. Returns the payload offset. */
static uint16_t ethernet(frame_t *f, int vlan, uint16_t type)
{
	static const uint8_t header[12] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };
	uint16_t at = 12;
	memset(f, 0, sizeof(*f));
	memcpy(f->bytes, header, sizeof(header));
	if (vlan) {
		f->bytes[at++] = 0x81;
		f->bytes[at++] = 0x00;
		f->bytes[at++] = 0x00;
		f->bytes[at++] = 0x05;
	}
	f->bytes[at++] = (uint8_t)(type >> 8);
	f->bytes[at++] = (uint8_t)type;
	return at;
}

/* An IPv4 header (bad checksum, so lwIP drops it after counting) claiming total, in length bytes. */
static void ipv4(frame_t *f, int vlan, uint8_t version_ihl, uint16_t total, uint16_t length)
{
	uint16_t at = ethernet(f, vlan, 0x0800);
	f->bytes[at] = version_ihl;
	f->bytes[at + 2] = (uint8_t)(total >> 8);
	f->bytes[at + 3] = (uint8_t)total;
	f->bytes[at + 10] = 0xde;  /* checksum that never matches */
	f->length = at + length;
}

static err_t inject_pbuf(struct pbuf *p)
{
	err_t err = g_st.nif.input(p, &g_st.nif);
	if (err != ERR_OK)
		pbuf_free(p);
	return err;
}

static err_t inject(const frame_t *f)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, f->length, PBUF_RAM);
	if (p == NULL)
		return ERR_MEM;
	pbuf_take(p, f->bytes, f->length);
	return inject_pbuf(p);
}

/* IPv6 header (dst ::, dropped by lwIP) + 8 payload bytes, split after 3 header bytes. */
static err_t inject_chained_ipv6(void)
{
	frame_t f;
	uint16_t at = ethernet(&f, 0, 0x86DD);
	f.bytes[at] = 0x60;
	f.bytes[at + 5] = 8;
	f.length = at + 40 + 8;
	struct pbuf *head = pbuf_alloc(PBUF_RAW, at + 3, PBUF_RAM);
	struct pbuf *tail = pbuf_alloc(PBUF_RAW, f.length - (at + 3), PBUF_RAM);
	if (head == NULL || tail == NULL)
		return ERR_MEM;
	pbuf_take(head, f.bytes, head->len);
	pbuf_take(tail, f.bytes + head->len, tail->len);
	pbuf_cat(head, tail);
	return inject_pbuf(head);
}

static void counted_frames(void)
{
	frame_t f;
	snapshot_t before;
	err_t err = ERR_OK;
	snapshot(&before);
	ipv4(&f, 1, 0x45, 40, 40);          /* VLAN-tagged: 40 */
	err |= inject(&f);
	ipv4(&f, 0, 0x45, 1000, 46);        /* claims more than the frame: clamped to 46 */
	err |= inject(&f);
	ipv4(&f, 0, 0x45, 28, 46);          /* Ethernet padding after the packet: 28 */
	err |= inject(&f);
	err |= inject_chained_ipv6();       /* 48 */
	CHECK(err == ERR_OK, "counted frames accepted");
	check_delta(&before, &(delta_t){ 0, 0, 4, 40 + 46 + 28 + 48 }, "injected IP frames");
}

static void uncounted_frames(void)
{
	frame_t f;
	snapshot_t before;
	snapshot(&before);
	ipv4(&f, 0, 0x45, 40, 10);          /* shorter than an IPv4 header */
	inject(&f);
	ipv4(&f, 0, 0x55, 40, 40);          /* version 5 */
	inject(&f);
	f.length = ethernet(&f, 0, 0x0806) + 28;  /* ARP (hardware type 0: dropped) */
	inject(&f);
	f.length = ethernet(&f, 1, 0x0800); /* VLAN tag and nothing after it */
	inject(&f);
	f.length = 10;                      /* runt */
	inject(&f);
	check_delta(&before, &(delta_t){ 0, 0, 0, 0 }, "non-IP or malformed frames not counted");
}

static err_t refuse_input(struct pbuf *p, struct netif *inp)
{
	(void)p;
	(void)inp;
	return ERR_MEM;
}

static void refused_input(void)
{
	frame_t f;
	snapshot_t before;
	netmon_status_t detached, attached;
	LOCK_TCPIP_CORE();
	detached = netmon_detach_locked(&g_st.nif);
	g_st.nif.input = refuse_input;
	attached = netmon_attach_locked(&g_st.nif);
	UNLOCK_TCPIP_CORE();
	CHECK(detached == NETMON_OK && attached == NETMON_OK, "wrap a refusing input");
	snapshot(&before);
	ipv4(&f, 0, 0x45, 40, 40);
	CHECK(inject(&f) == ERR_MEM, "refusal passed through");
	check_delta(&before, &(delta_t){ 0, 0, 0, 0 }, "refused frame not counted");
	LOCK_TCPIP_CORE();
	detached = netmon_detach_locked(&g_st.nif);
	g_st.nif.input = tcpip_input;
	attached = netmon_attach_locked(&g_st.nif);
	UNLOCK_TCPIP_CORE();
	CHECK(detached == NETMON_OK && attached == NETMON_OK, "wrap tcpip_input again");
}

static void refused_output(void)
{
	static udp_app_t udp;
	ip_addr_t peer;
	err_t bound, sent;
	snapshot_t before;
	ipaddr_aton("192.0.2.2", &peer);
	snapshot(&before);
	atomic_store(&g_st.fail_tx, 1);
	LOCK_TCPIP_CORE();
	bound = app_udp_open(&udp, &g_st.nif, IP4_ADDR_ANY, 5002, 0);
	sent = app_udp_send(&udp, &peer, 6000, 100);
	app_udp_close(&udp);
	UNLOCK_TCPIP_CORE();
	atomic_store(&g_st.fail_tx, 0);
	CHECK(bound == ERR_OK && sent != ERR_OK, "driver TX error reaches the sender");
	check_delta(&before, &(delta_t){ 0, 0, 0, 0 }, "refused TX frame not counted");
}

void test_frames(void)
{
	counted_frames();
	uncounted_frames();
	refused_input();
	refused_output();
}
