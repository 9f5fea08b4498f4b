/*
 * policy — the per-thing topic policy of cloud/broker/policy.ts (TopicPolicy), in C for the mosquitto
 * plugin: own `$aws/things/<thing>/` prefix, configured extra filters (`${iot:ClientId}` already replaced
 * by the thing name), nobody subscribes to the report publish topics, nobody publishes on the reply
 * topics. The `$defender/` topics belong to the Detect service. No allocation; test/native checks it
 * against the TypeScript policy.
 */
#ifndef DEFENDER_POLICY_H
#define DEFENDER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "facts.h"

/** True when `name` follows the thing-name rule of modules/facts/facts.ts. */
bool def_thing_name_ok(const char *name, size_t len);

/** True when `filter` (may hold + and #) matches the concrete `topic`. */
bool def_topic_matches(const char *filter, const char *topic);

/** True when every topic `requested` can match is also matched by `allowed`. */
bool def_filter_covers(const char *allowed, const char *requested);

/* Decisions for one thing; `allowed` are its filters, NULL-free, `count` of them. */
bool def_may_publish(const char *thing, char *const *allowed, int count, const char *topic);
bool def_may_subscribe(const char *thing, char *const *allowed, int count, const char *filter);
bool def_may_read(const char *thing, char *const *allowed, int count, const char *topic);

#endif
