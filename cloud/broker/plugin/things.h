/*
 * things — the plugin's table of things: one entry per certificate CN seen at CONNECT, allocated then
 * and kept until the broker stops (bounded by the certificates the cloud issued). Each entry holds the
 * thing's policy filters (`${iot:ClientId}` expanded once), its authenticated connections and the
 * cloud-side counters since the last hand-over to Detect. Counting a message allocates nothing.
 */
#ifndef DEFENDER_THINGS_H
#define DEFENDER_THINGS_H

#include <stdbool.h>
#include <stdint.h>
#include "facts.h"

#define DEF_MAX_CONNECTIONS 4
#define DEF_IP_MAX 64
#define DEF_SERIAL_MAX 80

struct def_counters {
	uint64_t sent, received, bytes, authz_failures, attempts, connects, disconnects;
	/* accepted PUBLISHes on the thing's own report topics (…/defender/metrics/json|cbor) */
	uint64_t reports;
	uint32_t min_size, max_size;
};

struct def_connection {
	const void *client;
	/* refused a PUBLISH (MQTT 3.1.1): everything else is refused until the plugin closes it */
	bool closing;
};

struct def_thing {
	char name[DEF_THING_NAME_MAX + 1];
	char ip[DEF_IP_MAX];
	char serial[DEF_SERIAL_MAX];
	char **allowed;
	int allowed_count;
	struct def_connection connections[DEF_MAX_CONNECTIONS];
	struct def_counters delta;
	bool dirty;
	struct def_thing *next;
};

struct def_things {
	struct def_thing **buckets;
	unsigned bucket_count;
	unsigned count;
};

/** Allocates the buckets; false when out of memory. */
bool def_things_init(struct def_things *t, unsigned bucket_count);
void def_things_free(struct def_things *t);
struct def_thing *def_things_find(const struct def_things *t, const char *name);
/** The entry of `name`, created with its filters (each `${iot:ClientId}` replaced); NULL when out of memory. */
struct def_thing *def_things_get(struct def_things *t, const char *name, char *const *filters, int filter_count);

/** Records an authenticated connection (with DEF_MAX_CONNECTIONS recorded, the oldest is dropped); true. */
bool def_thing_connected(struct def_thing *thing, const void *connection);
/** Forgets an authenticated connection; false when `connection` was not one of this thing's. */
bool def_thing_disconnected(struct def_thing *thing, const void *connection);
bool def_thing_online(const struct def_thing *thing);
/** Marks `connection` to be closed; false when it is not one of this thing's. */
bool def_thing_mark_closing(struct def_thing *thing, const void *connection);
bool def_thing_closing(const struct def_thing *thing, const void *connection);
/** True when one of the thing's connections is marked to be closed. */
bool def_thing_any_closing(const struct def_thing *thing);
/** Counts one accepted PUBLISH of `size` bytes on `topic` (a report when on the thing's own report topic). */
void def_thing_message(struct def_thing *thing, const char *topic, uint32_t size);
/** True when `topic` is `thing`'s report topic ($aws/things/<thing>/defender/metrics/json|cbor); no allocation. */
bool def_is_report_topic(const char *thing, const char *topic);
/** Writes the counters as JSON into buf; returns the length, or -1 if it does not fit. */
int def_thing_json(const struct def_thing *thing, char *buf, unsigned size);
void def_thing_reset(struct def_thing *thing);

#endif
