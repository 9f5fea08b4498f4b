/*
 * xs_bridge — runs the XS host function xs_netmon_list (hardware/esp32/netmon_esp.c) on the host
 * against Debian's lwIP, with the xsmc stubs implemented over a tiny value model, and checks what JS
 * would receive: [total, entries…], with the true total past the NETMON_MAX entries listed.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_netif.h"
#include "xsmc.h"
#include "harness.h"
#include "xs_bridge.h"

enum { UNDEFINED, NUMBER, STRING, ARRAY };

static xsSlot s_result, s_args[1], s_vars[1];
static int s_thrown;

void xs_netmon_list(xsMachine *the);

static void release(xsSlot *slot)
{
	if (slot->kind == ARRAY) {
		for (int i = 0; i < slot->length; i++)
			release(&slot->items[i]);
		free(slot->items);
	}
	memset(slot, 0, sizeof(*slot));
}

xsSlot *stub_slot(xsMachine *the, int which, int index)
{
	(void)the;
	(void)index;
	return which == 0 ? &s_result : which == 1 ? &s_args[0] : &s_vars[0];
}

void stub_set_string(xsMachine *the, xsSlot *slot, char *value)
{
	(void)the;
	release(slot);
	slot->kind = STRING;
	snprintf(slot->text, sizeof(slot->text), "%s", value);
}

void stub_set_number(xsMachine *the, xsSlot *slot, double value)
{
	(void)the;
	release(slot);
	slot->kind = NUMBER;
	slot->number = value;
}

void stub_set_integer(xsMachine *the, xsSlot *slot, xsIntegerValue value)
{
	stub_set_number(the, slot, value);
}

void stub_new_array(xsMachine *the, xsSlot *slot, xsIntegerValue length)
{
	(void)the;
	release(slot);
	slot->kind = ARRAY;
	slot->length = length;
	slot->items = calloc((size_t)(length > 0 ? length : 1), sizeof(xsSlot));
}

void stub_set_index(xsMachine *the, xsSlot *target, xsIntegerValue index, xsSlot *value)
{
	(void)the;
	if (target->kind != ARRAY || index < 0 || index >= target->length) {
		check(0, __LINE__, "xsmcSetIndex inside the array made by xsmcSetNewArray");
		return;
	}
	target->items[index] = *value;  /* values set by the bridge are numbers and strings: no items to share */
	target->items[index].items = NULL;
}

void stub_vars(xsMachine *the, xsIntegerValue count)
{
	(void)the;
	(void)count;
}

xsIntegerValue stub_to_integer(xsMachine *the, xsSlot *slot)
{
	(void)the;
	return (xsIntegerValue)slot->number;
}

void stub_throw(xsMachine *the, const char *format, ...)
{
	va_list args;
	(void)the;
	va_start(args, format);
	vprintf(format, args);
	va_end(args);
	printf("\n");
	s_thrown = 1;
}

/* Platform functions netmon_esp.c links against; xs_netmon_list uses none of them. */
esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key)
{
	(void)if_key;
	return NULL;
}

void *esp_netif_get_netif_impl(esp_netif_t *esp_netif)
{
	(void)esp_netif;
	return NULL;
}

uint32_t esp_random(void)
{
	return 4;
}

void netif_add_ext_callback(netif_ext_callback_t *callback, netif_ext_callback_fn fn)
{
	(void)callback;
	(void)fn;
}

/* Calls xs_netmon_list(kind); checks [total, entries…] with `stride` values per entry. */
void check_xs_list(int kind, int stride, uint32_t want_total, const char *what)
{
	char label[96];
	s_thrown = 0;
	stub_set_integer(NULL, &s_args[0], kind);
	xs_netmon_list(NULL);
	CHECK(!s_thrown && s_result.kind == ARRAY && s_result.length >= 1, what);
	if (s_result.kind == ARRAY && s_result.length >= 1) {
		int entries = (s_result.length - 1) / stride;
		snprintf(label, sizeof(label), "%s: total first", what);
		check_u64((uint64_t)s_result.items[0].number, want_total, label);
		snprintf(label, sizeof(label), "%s: entries listed", what);
		check_u64((uint64_t)entries, want_total < NETMON_MAX ? want_total : NETMON_MAX, label);
		snprintf(label, sizeof(label), "%s: whole entries", what);
		check_u64((uint64_t)(s_result.length - 1) % (uint64_t)stride, 0, label);
	}
	release(&s_result);
	release(&s_args[0]);
	release(&s_vars[0]);
}
