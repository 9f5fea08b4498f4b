/*
 * state — the plugin's one state: options, the things table, the revocation list, the Detect service's
 * connection and the hand-over schedule. Shared by plugin.c (life cycle, tick) and events.c (callbacks).
 */
#ifndef DEFENDER_STATE_H
#define DEFENDER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include "mosq.h"
#include "revoked.h"
#include "things.h"

#define DEF_BATCH_THINGS 128

struct def_state {
	mosquitto_plugin_id_t *id;
	char *allow[DEF_MAX_ALLOW];
	int allow_count;
	const char *service_id;
	const char *revoked_path;
	struct def_revoked revoked;
	struct def_things things;
	uint64_t interval_ms;
	/* things per hand-over message (1..DEF_BATCH_THINGS) */
	int batch_things;
	uint64_t next_flush_ms;
	/* the Detect service's authenticated connection, and whether it subscribed to the metrics topics */
	const void *service;
	bool service_ready;
	/* some connection refused a PUBLISH and waits to be closed (next tick) */
	bool close_pending;
};

/* events.c */
int def_on_basic_auth(int event, void *event_data, void *userdata);
int def_on_acl_check(int event, void *event_data, void *userdata);
int def_on_message(int event, void *event_data, void *userdata);
int def_on_disconnect(int event, void *event_data, void *userdata);
/* plugin.c */
void def_kick_revoked(struct def_state *s);
void def_kick_closing(struct def_state *s);
/* handover.c */
void def_hand_over(struct def_state *s);

#endif
