/*
 * plugin — the Device Defender plugin for mosquitto 2.0 (plugin API v5): life cycle, options and the
 * periodic tick. Options (plugin_opt_<key> in mosquitto.conf):
 *   service_id   CN and client id of the Detect service (privileged; reads $defender/ topics)
 *   allow*       one extra topic filter each (allow_1, allow_2, …), `${iot:ClientId}` = the thing
 *   revoked_file revocation list (see revoked.h), reloaded on change; optional
 *   interval_ms  how often counters go to Detect (default 1000)
 *   batch_things things per hand-over message (default and at most 128)
 * Every interval the things with new counts go to the service (handover.c), only while it is connected
 * and subscribed (otherwise the counts keep adding up).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy.h"
#include "state.h"

#define BUCKETS 1024

static struct def_state state;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	int i;
	for(i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5) return 5;
	}
	return -1;
}

static int option(struct def_state *s, const struct mosquitto_opt *o)
{
	if(strcmp(o->key, "service_id") == 0){
		s->service_id = o->value;
	}else if(strncmp(o->key, "allow", 5) == 0){
		if(s->allow_count == DEF_MAX_ALLOW){
			mosquitto_log_printf(MOSQ_LOG_ERR, "defender: more than %d allow filters", DEF_MAX_ALLOW);
			return MOSQ_ERR_INVAL;
		}
		s->allow[s->allow_count++] = o->value;
	}else if(strcmp(o->key, "revoked_file") == 0){
		s->revoked_path = o->value;
	}else if(strcmp(o->key, "interval_ms") == 0){
		char *end;
		unsigned long v = strtoul(o->value, &end, 10);
		if(*end != '\0' || v < 10 || v > 3600000){
			mosquitto_log_printf(MOSQ_LOG_ERR, "defender: interval_ms must be 10..3600000, got %s", o->value);
			return MOSQ_ERR_INVAL;
		}
		s->interval_ms = v;
	}else if(strcmp(o->key, "batch_things") == 0){
		char *end;
		long v = strtol(o->value, &end, 10);
		if(*end != '\0' || v < 1 || v > DEF_BATCH_THINGS){
			mosquitto_log_printf(MOSQ_LOG_ERR, "defender: batch_things must be 1..%d, got %s", DEF_BATCH_THINGS, o->value);
			return MOSQ_ERR_INVAL;
		}
		s->batch_things = (int)v;
	}else{
		mosquitto_log_printf(MOSQ_LOG_ERR, "defender: unknown option plugin_opt_%s", o->key);
		return MOSQ_ERR_INVAL;
	}
	return MOSQ_ERR_SUCCESS;
}

void def_kick_revoked(struct def_state *s)
{
	unsigned b;
	for(b = 0; b < s->things.bucket_count; b++){
		struct def_thing *t;
		for(t = s->things.buckets[b]; t; t = t->next){
			if(def_thing_online(t) && def_revoked_match(&s->revoked, t->name, t->serial)){
				mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: %s revoked, disconnecting", t->name);
				mosquitto_kick_client_by_clientid(t->name, false);
			}
		}
	}
}

void def_kick_closing(struct def_state *s)
{
	unsigned b;
	s->close_pending = false;
	for(b = 0; b < s->things.bucket_count; b++){
		struct def_thing *t;
		for(t = s->things.buckets[b]; t; t = t->next){
			if(def_thing_any_closing(t)) mosquitto_kick_client_by_clientid(t->name, false);
		}
	}
}

static void refresh_revoked(struct def_state *s)
{
	int rc;
	if(s->revoked_path == NULL) return;
	rc = def_revoked_refresh(&s->revoked, s->revoked_path);
	if(rc < 0) mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: cannot read %s; keeping the previous revocation list", s->revoked_path);
	if(rc > 0) def_kick_revoked(s);
}

static int on_tick(int event, void *event_data, void *userdata)
{
	struct def_state *s = userdata;
	uint64_t now = now_ms();
	(void)event;
	(void)event_data;
	if(s->close_pending) def_kick_closing(s);
	if(now < s->next_flush_ms) return MOSQ_ERR_SUCCESS;
	s->next_flush_ms = now + s->interval_ms;
	refresh_revoked(s);
	def_hand_over(s);
	return MOSQ_ERR_SUCCESS;
}

static int register_all(struct def_state *s)
{
	int rc = 0;
	rc |= mosquitto_callback_register(s->id, MOSQ_EVT_BASIC_AUTH, def_on_basic_auth, NULL, s);
	rc |= mosquitto_callback_register(s->id, MOSQ_EVT_ACL_CHECK, def_on_acl_check, NULL, s);
	rc |= mosquitto_callback_register(s->id, MOSQ_EVT_MESSAGE, def_on_message, NULL, s);
	rc |= mosquitto_callback_register(s->id, MOSQ_EVT_DISCONNECT, def_on_disconnect, NULL, s);
	rc |= mosquitto_callback_register(s->id, MOSQ_EVT_TICK, on_tick, NULL, s);
	return rc ? MOSQ_ERR_UNKNOWN : MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *options, int option_count)
{
	struct def_state *s = &state;
	int i, rc;
	memset(s, 0, sizeof(*s));
	s->id = identifier;
	s->interval_ms = 1000;
	s->batch_things = DEF_BATCH_THINGS;
	for(i = 0; i < option_count; i++){
		rc = option(s, &options[i]);
		if(rc) return rc;
	}
	if(s->service_id == NULL || !def_thing_name_ok(s->service_id, strlen(s->service_id))){
		mosquitto_log_printf(MOSQ_LOG_ERR, "defender: plugin_opt_service_id (the Detect client's CN) is required");
		return MOSQ_ERR_INVAL;
	}
	if(!def_things_init(&s->things, BUCKETS)) return MOSQ_ERR_NOMEM;
	refresh_revoked(s);
	*userdata = s;
	rc = register_all(s);
	if(rc == MOSQ_ERR_SUCCESS) mosquitto_log_printf(MOSQ_LOG_INFO, "defender: plugin ready (%d allowed filters)", s->allow_count);
	return rc;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	struct def_state *s = userdata;
	(void)options;
	(void)option_count;
	if(s == NULL) return MOSQ_ERR_SUCCESS;
	mosquitto_callback_unregister(s->id, MOSQ_EVT_BASIC_AUTH, def_on_basic_auth, NULL);
	mosquitto_callback_unregister(s->id, MOSQ_EVT_ACL_CHECK, def_on_acl_check, NULL);
	mosquitto_callback_unregister(s->id, MOSQ_EVT_MESSAGE, def_on_message, NULL);
	mosquitto_callback_unregister(s->id, MOSQ_EVT_DISCONNECT, def_on_disconnect, NULL);
	mosquitto_callback_unregister(s->id, MOSQ_EVT_TICK, on_tick, NULL);
	def_things_free(&s->things);
	def_revoked_free(&s->revoked);
	return MOSQ_ERR_SUCCESS;
}
