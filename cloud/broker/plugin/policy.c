/* policy — see policy.h. Topics are walked level by level in place (no split, no allocation). */
#include "policy.h"

#include <stdio.h>
#include <string.h>

struct level {
	const char *s;
	size_t n;
};

/* Takes the next level of *p into `out`; *p becomes NULL after the last level. False when none is left. */
static bool next_level(const char **p, struct level *out)
{
	const char *slash;
	if(*p == NULL) return false;
	slash = strchr(*p, '/');
	out->s = *p;
	if(slash){
		out->n = (size_t)(slash - *p);
		*p = slash + 1;
	}else{
		out->n = strlen(*p);
		*p = NULL;
	}
	return true;
}

static bool level_is(struct level l, const char *word)
{
	return l.n == strlen(word) && memcmp(l.s, word, l.n) == 0;
}

static bool level_eq(struct level a, struct level b)
{
	return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

bool def_thing_name_ok(const char *name, size_t len)
{
	size_t i;
	if(len < 1 || len > DEF_THING_NAME_MAX) return false;
	for(i = 0; i < len; i++){
		unsigned char c = (unsigned char)name[i];
		bool ok = (c >= '0' && c <= ':') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
		if(!ok) return false;
	}
	return true;
}

bool def_topic_matches(const char *filter, const char *topic)
{
	const char *f = filter, *t = topic;
	struct level fl, tl;
	if(topic[0] == '$' && (filter[0] == '+' || filter[0] == '#') && (filter[1] == '/' || filter[1] == '\0')) return false;
	while(next_level(&f, &fl)){
		if(level_is(fl, "#")) return true;
		if(!next_level(&t, &tl)) return false;
		if(!level_is(fl, "+") && !level_eq(fl, tl)) return false;
	}
	return t == NULL;
}

bool def_filter_covers(const char *allowed, const char *requested)
{
	const char *a = allowed, *r = requested;
	struct level al, rl;
	while(next_level(&a, &al)){
		if(level_is(al, "#")) return true;
		if(!next_level(&r, &rl) || level_is(rl, "#")) return false;
		if(level_is(al, "+")) continue;
		if(!level_eq(al, rl)) return false;
	}
	return r == NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool is_reply_topic(const char *topic)
{
	static const char *const suffixes[] = {
		DEF_DEFENDER_BRIDGE "json/accepted", DEF_DEFENDER_BRIDGE "json/rejected",
		DEF_DEFENDER_BRIDGE "cbor/accepted", DEF_DEFENDER_BRIDGE "cbor/rejected",
	};
	size_t i;
	for(i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++){
		if(ends_with(topic, suffixes[i])) return true;
	}
	return false;
}

/* True when `topic` is any thing's report publish topic `$aws/things/<x>/defender/metrics/<json|cbor>`. */
static bool is_report_topic(const char *topic)
{
	const char *thing, *slash;
	size_t plen = strlen(DEF_THINGS_PREFIX);
	if(strncmp(topic, DEF_THINGS_PREFIX, plen) != 0) return false;
	thing = topic + plen;
	slash = strchr(thing, '/');
	if(slash == NULL || slash == thing) return false;
	return strcmp(slash, DEF_DEFENDER_BRIDGE "json") == 0 || strcmp(slash, DEF_DEFENDER_BRIDGE "cbor") == 0;
}

static bool has_own_prefix(const char *thing, const char *topic)
{
	size_t plen = strlen(DEF_THINGS_PREFIX), tlen = strlen(thing);
	return strncmp(topic, DEF_THINGS_PREFIX, plen) == 0 && strncmp(topic + plen, thing, tlen) == 0 && topic[plen + tlen] == '/';
}

static bool is_service_topic(const char *topic)
{
	return strncmp(topic, DEF_SERVICE_PREFIX, strlen(DEF_SERVICE_PREFIX)) == 0;
}

bool def_may_publish(const char *thing, char *const *allowed, int count, const char *topic)
{
	int i;
	if(is_reply_topic(topic) || is_service_topic(topic)) return false;
	if(has_own_prefix(thing, topic)) return true;
	for(i = 0; i < count; i++){
		if(def_topic_matches(allowed[i], topic)) return true;
	}
	return false;
}

bool def_may_subscribe(const char *thing, char *const *allowed, int count, const char *filter)
{
	char report[sizeof(DEF_THINGS_PREFIX) + DEF_THING_NAME_MAX + sizeof(DEF_DEFENDER_BRIDGE) + 8];
	static const char *const formats[] = { "json", "cbor" };
	int i;
	for(i = 0; i < 2; i++){
		snprintf(report, sizeof(report), "%s%s%s%s", DEF_THINGS_PREFIX, thing, DEF_DEFENDER_BRIDGE, formats[i]);
		if(def_topic_matches(filter, report)) return false;
	}
	if(is_service_topic(filter)) return false;
	if(has_own_prefix(thing, filter)) return true;
	for(i = 0; i < count; i++){
		if(def_filter_covers(allowed[i], filter)) return true;
	}
	return false;
}

bool def_may_read(const char *thing, char *const *allowed, int count, const char *topic)
{
	int i;
	if(is_service_topic(topic) || is_report_topic(topic)) return false;
	if(has_own_prefix(thing, topic)) return true;
	for(i = 0; i < count; i++){
		if(def_topic_matches(allowed[i], topic)) return true;
	}
	return false;
}
