/*
 * handover — the counters of every thing with new counts go to the Detect service in batches: one QoS 1
 * message on `$defender/metrics/batch` holds a JSON array of up to plugin_opt_batch_things (default and at most DEF_BATCH_THINGS) things (BATCH_BYTES at
 * most), addressed to the service's client id only. A thing's counters are reset only once its batch
 * was handed to the broker; otherwise they stay and go with the next interval.
 */
#include <string.h>

#include "state.h"

#define BATCH_BYTES 16384
#define JSON_MAX 512

static char batch[BATCH_BYTES];
static struct def_thing *members[DEF_BATCH_THINGS];

static bool send_batch(struct def_state *s, size_t len, int count)
{
	int i;
	batch[len++] = ']';
	if(mosquitto_broker_publish_copy(s->service_id, DEF_METRICS_TOPIC, (int)len, batch, 1, false, NULL) != MOSQ_ERR_SUCCESS){
		mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: cannot hand %d things' counters over yet; kept", count);
		return false;
	}
	for(i = 0; i < count; i++) def_thing_reset(members[i]);
	return true;
}

void def_hand_over(struct def_state *s)
{
	char json[JSON_MAX];
	size_t len = 0;
	int count = 0;
	unsigned b;
	if(s->service == NULL || !s->service_ready) return;
	for(b = 0; b < s->things.bucket_count; b++){
		struct def_thing *t;
		for(t = s->things.buckets[b]; t; t = t->next){
			int n;
			if(!t->dirty) continue;
			n = def_thing_json(t, json, sizeof(json));
			if(n < 0) continue;
			if(count == s->batch_things || len + (size_t)n + 2 > sizeof(batch)){
				if(!send_batch(s, len, count)) return;
				len = 0;
				count = 0;
			}
			batch[len++] = count ? ',' : '[';
			memcpy(batch + len, json, (size_t)n);
			len += (size_t)n;
			members[count++] = t;
		}
	}
	if(count) send_batch(s, len, count);
}
