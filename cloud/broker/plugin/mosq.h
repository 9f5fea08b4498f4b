/*
 * mosq — the mosquitto plugin API headers. Debian's mosquitto-dev ships mosquitto_broker.h and
 * mosquitto_plugin.h but not the client library's mosquitto.h, which holds the error and log codes;
 * those (a stable ABI) are spelled here when it is absent.
 */
#ifndef DEFENDER_MOSQ_H
#define DEFENDER_MOSQ_H

#if defined(__has_include)
#  if __has_include(<mosquitto.h>)
#    include <mosquitto.h>
#    define DEF_HAVE_MOSQUITTO_H 1
#  endif
#endif

#ifndef DEF_HAVE_MOSQUITTO_H
enum def_mosq_err {
	MOSQ_ERR_SUCCESS = 0,
	MOSQ_ERR_NOMEM = 1,
	MOSQ_ERR_INVAL = 3,
	MOSQ_ERR_AUTH = 11,
	MOSQ_ERR_ACL_DENIED = 12,
	MOSQ_ERR_UNKNOWN = 13,
	MOSQ_ERR_PLUGIN_DEFER = 17,
};
#define MOSQ_LOG_INFO (1 << 0)
#define MOSQ_LOG_NOTICE (1 << 1)
#define MOSQ_LOG_WARNING (1 << 2)
#define MOSQ_LOG_ERR (1 << 3)
#endif

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#endif
