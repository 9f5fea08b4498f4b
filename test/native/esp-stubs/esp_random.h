/* Stub of ESP-IDF's esp_random.h. */
#include <stdint.h>
uint32_t esp_random(void);
