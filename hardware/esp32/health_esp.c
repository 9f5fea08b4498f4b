/*
 * health_esp — ESP-IDF host functions for the health metrics (hardware/esp32/health.ts):
 *   xs_health_min_free_heap()  -> esp_get_minimum_free_heap_size(), bytes (low-water mark since boot)
 *   xs_health_uptime()         -> whole seconds since boot from esp_timer (64-bit microseconds)
 *   xs_health_reset_reason()   -> esp_reset_reason() as an integer (named in health.ts)
 * Nothing is allocated; each returns a number.
 */

#include <stdint.h>

#include "xsmc.h"
#include "xsHost.h"

#include "esp_system.h"
#include "esp_timer.h"

void xs_health_min_free_heap(xsMachine *the)
{
	xsmcSetNumber(xsResult, (double)esp_get_minimum_free_heap_size());
}

void xs_health_uptime(xsMachine *the)
{
	xsmcSetNumber(xsResult, (double)(esp_timer_get_time() / 1000000));
}

void xs_health_reset_reason(xsMachine *the)
{
	xsmcSetInteger(xsResult, (xsIntegerValue)esp_reset_reason());
}
