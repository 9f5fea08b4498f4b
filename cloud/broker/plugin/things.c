/* things — see things.h. */
#include "things.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENT_ID_VAR "${iot:ClientId}"

static unsigned hash(const char *s)
{
	uint32_t h = 2166136261u;
	while(*s){
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

bool def_things_init(struct def_things *t, unsigned bucket_count)
{
	t->buckets = calloc(bucket_count, sizeof(*t->buckets));
	t->bucket_count = bucket_count;
	t->count = 0;
	return t->buckets != NULL;
}

static void free_thing(struct def_thing *thing)
{
	int i;
	for(i = 0; i < thing->allowed_count; i++) free(thing->allowed[i]);
	free(thing->allowed);
	free(thing);
}

void def_things_free(struct def_things *t)
{
	unsigned b;
	for(b = 0; t->buckets && b < t->bucket_count; b++){
		struct def_thing *e = t->buckets[b];
		while(e){
			struct def_thing *next = e->next;
			free_thing(e);
			e = next;
		}
	}
	free(t->buckets);
	t->buckets = NULL;
	t->count = 0;
}

struct def_thing *def_things_find(const struct def_things *t, const char *name)
{
	struct def_thing *e = t->buckets[hash(name) % t->bucket_count];
	while(e && strcmp(e->name, name) != 0) e = e->next;
	return e;
}

/* `filter` with every `${iot:ClientId}` replaced by `name` (malloc'd), or NULL when out of memory. */
static char *expand(const char *filter, const char *name)
{
	size_t vlen = strlen(CLIENT_ID_VAR), nlen = strlen(name), len = 0;
	const char *p;
	char *out, *o;
	for(p = filter; *p; ){
		if(strncmp(p, CLIENT_ID_VAR, vlen) == 0){ len += nlen; p += vlen; }
		else{ len++; p++; }
	}
	out = malloc(len + 1);
	if(out == NULL) return NULL;
	for(p = filter, o = out; *p; ){
		if(strncmp(p, CLIENT_ID_VAR, vlen) == 0){ memcpy(o, name, nlen); o += nlen; p += vlen; }
		else *o++ = *p++;
	}
	*o = '\0';
	return out;
}

static struct def_thing *new_thing(const char *name, char *const *filters, int filter_count)
{
	struct def_thing *thing = calloc(1, sizeof(*thing));
	int i;
	if(thing == NULL) return NULL;
	snprintf(thing->name, sizeof(thing->name), "%s", name);
	thing->allowed = filter_count ? calloc((size_t)filter_count, sizeof(char *)) : NULL;
	if(filter_count && thing->allowed == NULL){
		free(thing);
		return NULL;
	}
	for(i = 0; i < filter_count; i++){
		thing->allowed[i] = expand(filters[i], name);
		if(thing->allowed[i] == NULL){
			free_thing(thing);
			return NULL;
		}
		thing->allowed_count = i + 1;
	}
	def_thing_reset(thing);
	return thing;
}

struct def_thing *def_things_get(struct def_things *t, const char *name, char *const *filters, int filter_count)
{
	struct def_thing *thing = def_things_find(t, name);
	unsigned b;
	if(thing) return thing;
	if(strlen(name) > DEF_THING_NAME_MAX) return NULL;
	thing = new_thing(name, filters, filter_count);
	if(thing == NULL) return NULL;
	b = hash(name) % t->bucket_count;
	thing->next = t->buckets[b];
	t->buckets[b] = thing;
	t->count++;
	return thing;
}

bool def_thing_connected(struct def_thing *thing, const void *connection)
{
	int i;
	for(i = 0; i < DEF_MAX_CONNECTIONS; i++){
		if(thing->connections[i].client == NULL) break;
	}
	if(i == DEF_MAX_CONNECTIONS){
		/* only one connection per client id is live: the oldest entry is a stale one (e.g. a CONNECT that
		 * failed after authentication, whose disconnect came without a client id); forget it */
		memmove(&thing->connections[0], &thing->connections[1], (DEF_MAX_CONNECTIONS - 1) * sizeof(thing->connections[0]));
		i = DEF_MAX_CONNECTIONS - 1;
	}
	thing->connections[i].client = connection;
	thing->connections[i].closing = false;
	thing->delta.connects++;
	thing->dirty = true;
	return true;
}

bool def_thing_disconnected(struct def_thing *thing, const void *connection)
{
	int i;
	for(i = 0; i < DEF_MAX_CONNECTIONS; i++){
		if(thing->connections[i].client == connection){
			thing->connections[i].client = NULL;
			thing->connections[i].closing = false;
			thing->delta.disconnects++;
			thing->dirty = true;
			return true;
		}
	}
	return false;
}

bool def_thing_online(const struct def_thing *thing)
{
	int i;
	for(i = 0; i < DEF_MAX_CONNECTIONS; i++){
		if(thing->connections[i].client != NULL) return true;
	}
	return false;
}

bool def_thing_mark_closing(struct def_thing *thing, const void *connection)
{
	int i;
	for(i = 0; i < DEF_MAX_CONNECTIONS; i++){
		if(thing->connections[i].client == connection){
			thing->connections[i].closing = true;
			return true;
		}
	}
	return false;
}

bool def_thing_closing(const struct def_thing *thing, const void *connection)
{
	int i;
	for(i = 0; i < DEF_MAX_CONNECTIONS; i++){
		if(thing->connections[i].client == connection) return thing->connections[i].closing;
	}
	return false;
}

bool def_thing_any_closing(const struct def_thing *thing)
{
	int i;
	for(i = 0; i < DEF_MAX_CONNECTIONS; i++){
		if(thing->connections[i].client != NULL && thing->connections[i].closing) return true;
	}
	return false;
}

bool def_is_report_topic(const char *thing, const char *topic)
{
	size_t prefix = sizeof(DEF_THINGS_PREFIX) - 1, bridge = sizeof(DEF_DEFENDER_BRIDGE) - 1, n = strlen(thing);
	if(topic == NULL || strncmp(topic, DEF_THINGS_PREFIX, prefix) != 0) return false;
	topic += prefix;
	if(strncmp(topic, thing, n) != 0) return false;
	topic += n;
	if(strncmp(topic, DEF_DEFENDER_BRIDGE, bridge) != 0) return false;
	topic += bridge;
	return strcmp(topic, "json") == 0 || strcmp(topic, "cbor") == 0;
}

void def_thing_message(struct def_thing *thing, const char *topic, uint32_t size)
{
	struct def_counters *d = &thing->delta;
	d->sent++;
	if(def_is_report_topic(thing->name, topic)) d->reports++;
	d->bytes += size;
	if(size < d->min_size) d->min_size = size;
	if(size > d->max_size) d->max_size = size;
	thing->dirty = true;
}

int def_thing_json(const struct def_thing *thing, char *buf, unsigned size)
{
	const struct def_counters *d = &thing->delta;
	int n = snprintf(buf, size,
			"{\"thing\":\"%s\",\"sent\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"minSize\":%" PRIu32 ",\"maxSize\":%" PRIu32
			",\"received\":%" PRIu64 ",\"authorizationFailures\":%" PRIu64 ",\"connectionAttempts\":%" PRIu64
			",\"connects\":%" PRIu64 ",\"disconnects\":%" PRIu64 ",\"reports\":%" PRIu64 ",\"online\":%s,\"ip\":\"%s\"}",
			thing->name, d->sent, d->bytes, d->sent ? d->min_size : 0, d->max_size, d->received, d->authz_failures,
			d->attempts, d->connects, d->disconnects, d->reports, def_thing_online(thing) ? "true" : "false", thing->ip);
	return n < 0 || (unsigned)n >= size ? -1 : n;
}

void def_thing_reset(struct def_thing *thing)
{
	memset(&thing->delta, 0, sizeof(thing->delta));
	thing->delta.min_size = UINT32_MAX;
	thing->dirty = false;
}
