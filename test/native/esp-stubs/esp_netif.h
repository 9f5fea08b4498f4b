/* Stub of ESP-IDF's esp_netif.h: the one lookup netmon_esp.c uses. */
#ifndef STUB_ESP_NETIF_H
#define STUB_ESP_NETIF_H
typedef struct esp_netif_obj esp_netif_t;
esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key);
#endif
