/*
 * wire — an in-memory Ethernet segment for host tests of netmon against Debian's liblwip.
 *
 * Each port is an lwIP Ethernet netif (same flags as ESP-IDF's wlanif) whose linkoutput copies the
 * frame onto a queue. A "phy" thread pops frames and hands them to the other port's netif->input,
 * freeing the pbuf on error, as wlanif_input does on the ESP32. A tap parses every frame on its
 * own (not with netmon's code) and counts IP packets/bytes per sending port.
 */

#ifndef WIRE_H
#define WIRE_H

#include <stdint.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

typedef struct {
	uint64_t ip_packets;
	uint64_t ip_bytes;
	uint64_t other_frames;  /* ARP and anything else that is not IPv4/IPv6 */
} wire_tap_t;

typedef struct wire_port {
	struct netif nif;
	struct wire_port *peer;
	uint8_t mac_last;
	_Atomic uint64_t sent[3];  /* indexed like wire_tap_t fields */
	_Atomic int fail_tx;       /* nonzero: linkoutput refuses frames with ERR_IF (a driver error) */
} wire_port_t;

/* Start the phy thread. Call once, after tcpip_init. */
void wire_start(void);

/* netif_add a port (caller holds the core lock). name is two characters, e.g. "st". */
void wire_add(wire_port_t *port, const char *name, uint8_t mac_last, const char *ip4);

/* Frames sent by port so far (its TX, which is its peer's RX). */
void wire_tap(wire_port_t *port, wire_tap_t *out);

/* Wait until no frame moved for quiet_ms (max max_ms). Returns 0 when quiet, -1 on timeout. */
int wire_wait_quiet(int quiet_ms, int max_ms);

/* Milliseconds on a monotonic clock. */
uint64_t wire_now_ms(void);

#endif
