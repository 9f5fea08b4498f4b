/*
 * apps — the TCP and UDP endpoints the netmon host test runs over the in-memory wire.
 *
 * Callbacks run in the tcpip thread and publish to the test's main thread through atomics. Every
 * function here except app_wait must be called with the core lock held.
 */

#ifndef APPS_H
#define APPS_H

#include <stdatomic.h>
#include <stdint.h>

#include "lwip/tcp.h"
#include "lwip/udp.h"

#define APP_BUFFER 8192

typedef struct {
	struct tcp_pcb *pcb;
	_Atomic uint32_t connected;      /* 0 pending, 1 connected, 2 failed */
	_Atomic uint32_t received;
	uint8_t data[APP_BUFFER];
} tcp_client_t;

typedef struct {
	struct udp_pcb *pcb;
	_Atomic uint32_t datagrams;
	_Atomic uint32_t bytes;
	uint16_t reply_size;  /* 0: do not reply */
} udp_app_t;

/* Listener on addr:port pinned to nif (NULL: not pinned) whose connections echo and close on FIN. */
struct tcp_pcb *app_echo_listen(struct netif *nif, const ip_addr_t *addr, u8_t type, uint16_t port);
/* How many echo connections saw the peer's FIN and closed (for app_wait). */
_Atomic uint32_t *app_echo_closed(void);
/* How many connections the echo listeners accepted (their end is ESTABLISHED). */
_Atomic uint32_t *app_echo_accepted(void);

err_t app_client_connect(tcp_client_t *c, struct netif *nif, const ip_addr_t *to, uint16_t port);
err_t app_client_send(tcp_client_t *c, const uint8_t *data, uint16_t length);
void app_client_close(tcp_client_t *c);

err_t app_udp_open(udp_app_t *u, struct netif *nif, const ip_addr_t *addr, uint16_t port, uint16_t reply_size);
err_t app_udp_send(udp_app_t *u, const ip_addr_t *to, uint16_t port, uint16_t size);
void app_udp_close(udp_app_t *u);

/* Poll *flag (without the lock) until it reaches at least want, max max_ms. 0 when reached. */
int app_wait(_Atomic uint32_t *flag, uint32_t want, int max_ms);

#endif
