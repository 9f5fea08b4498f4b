/*
 * apps — TCP echo server, TCP client and UDP responders for the netmon host test (see apps.h).
 */

#include <string.h>
#include <time.h>

#include "lwip/pbuf.h"

#include "apps.h"
#include "wire.h"

static _Atomic uint32_t s_closed;
static _Atomic uint32_t s_accepted;

static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (p == NULL) {
		tcp_close(pcb);
		atomic_fetch_add(&s_closed, 1);
		return ERR_OK;
	}
	for (struct pbuf *q = p; q != NULL; q = q->next)
		tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	tcp_output(pcb);
	return ERR_OK;
}

static err_t echo_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	tcp_recv(pcb, echo_recv);
	atomic_fetch_add(&s_accepted, 1);
	return ERR_OK;
}

struct tcp_pcb *app_echo_listen(struct netif *nif, const ip_addr_t *addr, u8_t type, uint16_t port)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(type);
	if (pcb == NULL)
		return NULL;
	if (nif != NULL)
		tcp_bind_netif(pcb, nif);
	if (tcp_bind(pcb, addr, port) != ERR_OK) {
		tcp_close(pcb);
		return NULL;
	}
	struct tcp_pcb *listener = tcp_listen(pcb);
	if (listener != NULL)
		tcp_accept(listener, echo_accept);
	return listener;
}

_Atomic uint32_t *app_echo_accepted(void)
{
	return &s_accepted;
}

_Atomic uint32_t *app_echo_closed(void)
{
	return &s_closed;
}

static err_t client_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	tcp_client_t *c = arg;
	(void)err;
	if (p == NULL)
		return ERR_OK;  /* peer's FIN after our close: nothing left to do */
	uint32_t at = atomic_load(&c->received);
	uint16_t room = (uint16_t)(APP_BUFFER - at);
	uint16_t copied = pbuf_copy_partial(p, c->data + at, p->tot_len < room ? p->tot_len : room, 0);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	atomic_store(&c->received, at + copied);
	return ERR_OK;
}

static err_t client_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	tcp_client_t *c = arg;
	(void)pcb;
	atomic_store(&c->connected, err == ERR_OK ? 1u : 2u);
	return ERR_OK;
}

err_t app_client_connect(tcp_client_t *c, struct netif *nif, const ip_addr_t *to, uint16_t port)
{
	c->pcb = tcp_new_ip_type(IP_GET_TYPE(to));
	if (c->pcb == NULL)
		return ERR_MEM;
	tcp_bind_netif(c->pcb, nif);
	tcp_arg(c->pcb, c);
	tcp_recv(c->pcb, client_recv);
	return tcp_connect(c->pcb, to, port, client_connected);
}

err_t app_client_send(tcp_client_t *c, const uint8_t *data, uint16_t length)
{
	err_t err = tcp_write(c->pcb, data, length, TCP_WRITE_FLAG_COPY);
	return err == ERR_OK ? tcp_output(c->pcb) : err;
}

void app_client_close(tcp_client_t *c)
{
	tcp_close(c->pcb);
	c->pcb = NULL;
}

static void udp_app_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
	udp_app_t *u = arg;
	atomic_fetch_add(&u->bytes, p->tot_len);
	pbuf_free(p);
	if (u->reply_size)
		app_udp_send(u, addr, port, u->reply_size);
	(void)pcb;
	atomic_fetch_add(&u->datagrams, 1);
}

err_t app_udp_open(udp_app_t *u, struct netif *nif, const ip_addr_t *addr, uint16_t port, uint16_t reply_size)
{
	u->pcb = udp_new_ip_type(IP_GET_TYPE(addr));
	if (u->pcb == NULL)
		return ERR_MEM;
	u->reply_size = reply_size;
	if (nif != NULL)
		udp_bind_netif(u->pcb, nif);
	udp_recv(u->pcb, udp_app_recv, u);
	return udp_bind(u->pcb, addr, port);
}

err_t app_udp_send(udp_app_t *u, const ip_addr_t *to, uint16_t port, uint16_t size)
{
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, size, PBUF_RAM);
	if (p == NULL)
		return ERR_MEM;
	memset(p->payload, 0x5a, size);
	err_t err = udp_sendto(u->pcb, p, to, port);
	pbuf_free(p);
	return err;
}

void app_udp_close(udp_app_t *u)
{
	udp_remove(u->pcb);
	u->pcb = NULL;
}

int app_wait(_Atomic uint32_t *flag, uint32_t want, int max_ms)
{
	uint64_t start = wire_now_ms();
	struct timespec step = { 0, 2 * 1000000L };
	while (atomic_load(flag) < want) {
		if (wire_now_ms() - start > (uint64_t)max_ms)
			return -1;
		nanosleep(&step, NULL);
	}
	return 0;
}
