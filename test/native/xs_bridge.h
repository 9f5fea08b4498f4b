/* xs_bridge — the XS list host function of netmon_esp.c run on the host (see xs_bridge.c). */
#ifndef XS_BRIDGE_H
#define XS_BRIDGE_H

#include <stdint.h>

#define XS_LIST_TCP 0
#define XS_LIST_UDP 1
#define XS_LIST_ESTABLISHED 2

/* xs_netmon_list(kind) must give [want_total, entries…] with min(total, NETMON_MAX) entries of `stride` values. */
void check_xs_list(int kind, int stride, uint32_t want_total, const char *what);

#endif
