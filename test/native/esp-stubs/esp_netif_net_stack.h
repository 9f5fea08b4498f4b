/* Stub of ESP-IDF's esp_netif_net_stack.h (requires esp_netif.h first, like the real one). */
void *esp_netif_get_netif_impl(esp_netif_t *esp_netif);
