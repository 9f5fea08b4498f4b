/*
 * Stub of Moddable's xsmc.h for hardware/esp32/netmon_esp.c on the host: only the shapes it uses.
 * test/native/xs_bridge.c implements them with a tiny value model (numbers, strings, arrays) so the
 * host functions run against Debian's lwIP and their results can be checked.
 */
#ifndef STUB_XSMC_H
#define STUB_XSMC_H

typedef struct stub_machine xsMachine;
typedef struct stub_slot_value {
	int kind;                        /* 0 undefined, 1 number, 2 string, 3 array */
	double number;
	char text[64];
	struct stub_slot_value *items;   /* array elements (owned) */
	int length;
} xsSlot;
typedef int xsIntegerValue;

xsSlot *stub_slot(xsMachine *the, int which, int index);
void stub_set_string(xsMachine *the, xsSlot *slot, char *value);
void stub_set_number(xsMachine *the, xsSlot *slot, double value);
void stub_set_integer(xsMachine *the, xsSlot *slot, xsIntegerValue value);
void stub_set_index(xsMachine *the, xsSlot *target, xsIntegerValue index, xsSlot *value);
void stub_new_array(xsMachine *the, xsSlot *slot, xsIntegerValue length);
void stub_vars(xsMachine *the, xsIntegerValue count);
xsIntegerValue stub_to_integer(xsMachine *the, xsSlot *slot);
void stub_throw(xsMachine *the, const char *format, ...) __attribute__((format(printf, 2, 3)));

#define xsResult (*stub_slot(the, 0, 0))
#define xsArg(i) (*stub_slot(the, 1, (i)))
#define xsVar(i) (*stub_slot(the, 2, (i)))
#define xsmcSetString(slot, value) stub_set_string(the, &(slot), (value))
#define xsmcSetNumber(slot, value) stub_set_number(the, &(slot), (value))
#define xsmcSetInteger(slot, value) stub_set_integer(the, &(slot), (value))
#define xsmcSetIndex(target, index, value) stub_set_index(the, &(target), (index), &(value))
#define xsmcSetNewArray(slot, length) stub_new_array(the, &(slot), (length))
#define xsmcVars(count) stub_vars(the, (count))
#define xsmcToInteger(slot) stub_to_integer(the, &(slot))
#define xsUnknownError(...) stub_throw(the, __VA_ARGS__)
#define xsRangeError(...) stub_throw(the, __VA_ARGS__)

#endif
