/*
 * events — the plugin's broker callbacks: CONNECT (identity = certificate CN = client id, revocation),
 * ACL checks (the per-thing policy for PUBLISH, SUBSCRIBE and delivery), incoming messages and
 * disconnects, each counted on the thing's entry.
 */
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "state.h"

struct identity {
	char cn[DEF_THING_NAME_MAX + 1];
	char serial[DEF_SERIAL_MAX];
};

/* The certificate's CN (when it follows the thing-name rule) and serial; false when unusable. */
static bool read_identity(struct mosquitto *client, struct identity *out)
{
	X509 *cert = mosquitto_client_certificate(client);
	X509_NAME *subject;
	int at;
	bool ok = false;
	if(cert == NULL) return false;
	subject = X509_get_subject_name(cert);
	at = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
	if(at >= 0){
		ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
		const unsigned char *data = ASN1_STRING_get0_data(cn);
		int len = ASN1_STRING_length(cn);
		if(len > 0 && def_thing_name_ok((const char *)data, (size_t)len)){
			memcpy(out->cn, data, (size_t)len);
			out->cn[len] = '\0';
			ok = true;
		}
	}
	out->serial[0] = '\0';
	if(ok){
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;
		if(hex) snprintf(out->serial, sizeof(out->serial), "%s", hex);
		OPENSSL_free(hex);
		BN_free(bn);
	}
	X509_free(cert);
	return ok;
}

static int auth_service(struct def_state *s, struct mosquitto *client, const char *id)
{
	if(id == NULL || strcmp(id, s->service_id) != 0){
		mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: refused %s: the service certificate needs client id %s", id ? id : "(none)", s->service_id);
		return MOSQ_ERR_AUTH;
	}
	s->service = client;
	s->service_ready = false;
	return mosquitto_set_username(client, s->service_id) == MOSQ_ERR_SUCCESS ? MOSQ_ERR_SUCCESS : MOSQ_ERR_AUTH;
}

int def_on_basic_auth(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_basic_auth *ed = event_data;
	struct def_state *s = userdata;
	struct identity who;
	struct def_thing *thing;
	const char *id = mosquitto_client_id(ed->client);
	(void)event;
	if(!read_identity(ed->client, &who)){
		mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: refused %s: certificate without a valid thing-name CN", id ? id : "(none)");
		return MOSQ_ERR_AUTH;
	}
	if(strcmp(who.cn, s->service_id) == 0) return auth_service(s, ed->client, id);
	thing = def_things_get(&s->things, who.cn, s->allow, s->allow_count);
	if(thing == NULL) return MOSQ_ERR_NOMEM;
	thing->delta.attempts++;
	thing->dirty = true;
	if(def_revoked_match(&s->revoked, who.cn, who.serial)){
		mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: refused %s: certificate %s is revoked", who.cn, who.serial);
		return MOSQ_ERR_AUTH;
	}
	if(id == NULL || strcmp(id, who.cn) != 0){
		thing->delta.authz_failures++;
		mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: refused %s: client id %s does not match the certificate CN", who.cn, id ? id : "(none)");
		return MOSQ_ERR_AUTH;
	}
	if(mosquitto_set_username(ed->client, who.cn) != MOSQ_ERR_SUCCESS || !def_thing_connected(thing, ed->client)) return MOSQ_ERR_AUTH;
	snprintf(thing->ip, sizeof(thing->ip), "%s", mosquitto_client_address(ed->client) ? mosquitto_client_address(ed->client) : "");
	snprintf(thing->serial, sizeof(thing->serial), "%s", who.serial);
	return MOSQ_ERR_SUCCESS;
}

static int service_acl(struct def_state *s, const struct mosquitto_evt_acl_check *ed)
{
	if(ed->access == MOSQ_ACL_SUBSCRIBE && def_filter_covers(ed->topic, DEF_METRICS_FILTER)) s->service_ready = true;
	return MOSQ_ERR_SUCCESS;
}

static bool decide(const struct def_thing *thing, int access, const char *topic)
{
	switch(access){
		case MOSQ_ACL_WRITE: return def_may_publish(thing->name, thing->allowed, thing->allowed_count, topic);
		case MOSQ_ACL_SUBSCRIBE: return def_may_subscribe(thing->name, thing->allowed, thing->allowed_count, topic);
		case MOSQ_ACL_READ: return def_may_read(thing->name, thing->allowed, thing->allowed_count, topic);
		case MOSQ_ACL_UNSUBSCRIBE: return true;
		default: return false;
	}
}

int def_on_acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *ed = event_data;
	struct def_state *s = userdata;
	struct def_thing *thing;
	(void)event;
	if(ed->client == s->service) return service_acl(s, ed);
	if(mosquitto_client_id(ed->client) == NULL) return MOSQ_ERR_ACL_DENIED;
	thing = def_things_find(&s->things, mosquitto_client_id(ed->client));
	if(thing == NULL || def_thing_closing(thing, ed->client)) return MOSQ_ERR_ACL_DENIED;
	if(!decide(thing, ed->access, ed->topic)){
		thing->delta.authz_failures++;
		thing->dirty = true;
		/* like AWS IoT and the embedded broker: an MQTT 3.1.1 connection is closed on a refused PUBLISH
		 * (MQTT 5 clients get PUBACK 0x87 and keep it) */
		if(ed->access == MOSQ_ACL_WRITE && mosquitto_client_protocol_version(ed->client) < 5 && def_thing_mark_closing(thing, ed->client)){
			s->close_pending = true;
		}
		mosquitto_log_printf(MOSQ_LOG_WARNING, "defender: denied %s %s to %s", thing->name,
				ed->access == MOSQ_ACL_WRITE ? "publish" : ed->access == MOSQ_ACL_SUBSCRIBE ? "subscribe" : "delivery", ed->topic);
		return MOSQ_ERR_ACL_DENIED;
	}
	if(ed->access == MOSQ_ACL_READ){
		thing->delta.received++;
		thing->dirty = true;
	}
	return MOSQ_ERR_SUCCESS;
}

int def_on_message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *ed = event_data;
	struct def_state *s = userdata;
	struct def_thing *thing;
	(void)event;
	if(ed->client == s->service || mosquitto_client_id(ed->client) == NULL) return MOSQ_ERR_SUCCESS;
	thing = def_things_find(&s->things, mosquitto_client_id(ed->client));
	if(thing && !def_thing_closing(thing, ed->client)) def_thing_message(thing, ed->topic, ed->payloadlen);
	return MOSQ_ERR_SUCCESS;
}

int def_on_disconnect(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_disconnect *ed = event_data;
	struct def_state *s = userdata;
	const char *id = mosquitto_client_id(ed->client);
	struct def_thing *thing;
	(void)event;
	if(ed->client == s->service){
		s->service = NULL;
		s->service_ready = false;
		return MOSQ_ERR_SUCCESS;
	}
	thing = id ? def_things_find(&s->things, id) : NULL;
	if(thing) def_thing_disconnected(thing, ed->client);
	return MOSQ_ERR_SUCCESS;
}
