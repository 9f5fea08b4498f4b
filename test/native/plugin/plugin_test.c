/*
 * plugin_test — host tests of the mosquitto plugin's C parts that need no broker (policy.c, things.c,
 * revoked.c). `plugin_test check DIR` runs the checks (DIR: a scratch dir for revocation files) and
 * prints "N passed, M failed"; `plugin_test oracle FILTER...` answers policy questions read from stdin,
 * one per line "<p|s|r> <thing> <topic>" or "n <name>" (thing-name rule), with 1 or 0 per line (test/native/mosquitto-plugin.test.ts
 * compares the answers with cloud/broker/policy.ts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy.h"
#include "revoked.h"
#include "things.h"

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(int ok, const char *what, int line)
{
	if(ok){
		passed++;
	}else{
		failed++;
		printf("FAIL line %d: %s\n", line, what);
	}
}

static void check_names(void)
{
	char long_name[DEF_THING_NAME_MAX + 2];
	memset(long_name, 'a', sizeof(long_name));
	CHECK(def_thing_name_ok("MyDevice", 8));
	CHECK(def_thing_name_ok("a:b_c-9", 7));
	CHECK(!def_thing_name_ok("", 0));
	CHECK(!def_thing_name_ok("a/b", 3));
	CHECK(!def_thing_name_ok("a+", 2));
	CHECK(!def_thing_name_ok("a b", 3));
	CHECK(!def_thing_name_ok("a\0b", 3));
	CHECK(def_thing_name_ok(long_name, DEF_THING_NAME_MAX));
	CHECK(!def_thing_name_ok(long_name, DEF_THING_NAME_MAX + 1));
}

static void check_things(void)
{
	struct def_things t;
	char *filters[] = { "rogue/${iot:ClientId}/#", "/rogue/agent", "${iot:ClientId}/${iot:ClientId}" };
	struct def_thing *a, *b;
	char json[512];
	int x, y;
	CHECK(def_things_init(&t, 4));
	a = def_things_get(&t, "A", filters, 3);
	CHECK(a != NULL && strcmp(a->allowed[0], "rogue/A/#") == 0 && strcmp(a->allowed[2], "A/A") == 0);
	CHECK(def_things_get(&t, "A", filters, 3) == a && t.count == 1);
	for(x = 0; x < 20; x++){
		char name[16];
		snprintf(name, sizeof(name), "T%d", x);
		CHECK(def_things_get(&t, name, filters, 3) != NULL);
	}
	CHECK(def_things_find(&t, "A") == a && def_things_find(&t, "Z") == NULL && t.count == 21);
	b = def_things_find(&t, "T7");
	CHECK(b != NULL && strcmp(b->allowed[0], "rogue/T7/#") == 0);
	CHECK(!def_thing_online(a));
	CHECK(def_thing_connected(a, &x) && def_thing_connected(a, &y) && def_thing_online(a));
	CHECK(def_thing_disconnected(a, &x) && !def_thing_disconnected(a, &x) && def_thing_online(a));
	CHECK(!def_thing_closing(a, &y) && !def_thing_any_closing(a));
	CHECK(def_thing_mark_closing(a, &y) && def_thing_closing(a, &y) && def_thing_any_closing(a));
	CHECK(!def_thing_mark_closing(a, &x) && !def_thing_closing(a, &x));
	CHECK(def_thing_disconnected(a, &y) && !def_thing_online(a) && !def_thing_any_closing(a));
	{
		int c[DEF_MAX_CONNECTIONS + 1], i;
		for(i = 0; i <= DEF_MAX_CONNECTIONS; i++) CHECK(def_thing_connected(b, &c[i]));
		CHECK(!def_thing_disconnected(b, &c[0]));
		for(i = 1; i <= DEF_MAX_CONNECTIONS; i++) CHECK(def_thing_disconnected(b, &c[i]));
		CHECK(!def_thing_online(b));
	}
	/* reports: only the thing's own report topics, matched exactly */
	CHECK(def_is_report_topic("A", "$aws/things/A/defender/metrics/json") && def_is_report_topic("A", "$aws/things/A/defender/metrics/cbor"));
	CHECK(!def_is_report_topic("A", "$aws/things/AB/defender/metrics/json") && !def_is_report_topic("AB", "$aws/things/A/defender/metrics/json"));
	CHECK(!def_is_report_topic("A", "$aws/things/A/defender/metrics/json/accepted") && !def_is_report_topic("A", "$aws/things/A/defender/metrics/jso"));
	CHECK(!def_is_report_topic("A", "$aws/things/B/defender/metrics/json") && !def_is_report_topic("A", "$aws/things/A/x") && !def_is_report_topic("A", NULL));
	def_thing_message(a, "$aws/things/A/defender/metrics/json", 100);
	def_thing_message(a, "$aws/things/A/x", 7);
	def_thing_message(a, "$aws/things/A/defender/metrics/cbor", 30);
	a->delta.received = 2;
	CHECK(def_thing_json(a, json, sizeof(json)) > 0);
	CHECK(strstr(json, "\"sent\":3,\"bytes\":137,\"minSize\":7,\"maxSize\":100,\"received\":2") != NULL);
	CHECK(strstr(json, "\"connects\":2,\"disconnects\":2,\"reports\":2,\"online\":false") != NULL);
	CHECK(def_thing_json(a, json, 10) == -1);
	def_thing_reset(a);
	CHECK(!a->dirty && a->delta.sent == 0 && a->delta.reports == 0);
	CHECK(def_thing_json(a, json, sizeof(json)) > 0 && strstr(json, "\"minSize\":0") != NULL);
	def_things_free(&t);
	CHECK(t.buckets == NULL);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if(f){
		fputs(text, f);
		fclose(f);
	}
}

static void check_revoked(const char *dir)
{
	char path[1024];
	struct def_revoked r;
	struct timespec pause = { 0, 20000000 };
	memset(&r, 0, sizeof(r));
	snprintf(path, sizeof(path), "%s/revoked.txt", dir);
	remove(path);
	CHECK(def_revoked_refresh(&r, path) == 1 && r.count == 0);
	CHECK(def_revoked_refresh(&r, path) == 0);
	write_file(path, "# revoked\nBadThing\n\n  serial:00ab12  \n");
	CHECK(def_revoked_refresh(&r, path) == 1 && r.count == 2);
	CHECK(def_revoked_refresh(&r, path) == 0);
	CHECK(def_revoked_match(&r, "BadThing", ""));
	CHECK(!def_revoked_match(&r, "GoodThing", "AB13"));
	CHECK(def_revoked_match(&r, "GoodThing", "AB12"));
	CHECK(def_revoked_match(&r, "GoodThing", "0ab12"));
	CHECK(!def_revoked_match(&r, "BadThing2", "12"));
	nanosleep(&pause, NULL);
	write_file(path, "Other\n");
	CHECK(def_revoked_refresh(&r, path) == 1 && r.count == 1 && !def_revoked_match(&r, "BadThing", ""));
	remove(path);
	CHECK(def_revoked_refresh(&r, path) == 1 && r.count == 0);
	def_revoked_free(&r);
}

static int oracle(int argc, char **argv)
{
	struct def_things t;
	char line[2048];
	if(!def_things_init(&t, 64)) return 1;
	while(fgets(line, sizeof(line), stdin)){
		char op = line[0], *thing = line + 2, *topic, *nl;
		struct def_thing *e;
		bool ok;
		nl = strchr(line, '\n');
		if(nl) *nl = '\0';
		if(op == 'n'){
			printf("%d\n", def_thing_name_ok(thing, strlen(thing)) ? 1 : 0);
			continue;
		}
		topic = strchr(thing, ' ');
		if(topic == NULL) return 2;
		*topic++ = '\0';
		e = def_things_get(&t, thing, argv, argc);
		if(e == NULL) return 1;
		ok = op == 'p' ? def_may_publish(e->name, e->allowed, e->allowed_count, topic)
			: op == 's' ? def_may_subscribe(e->name, e->allowed, e->allowed_count, topic)
			: def_may_read(e->name, e->allowed, e->allowed_count, topic);
		printf("%d\n", ok ? 1 : 0);
	}
	def_things_free(&t);
	return 0;
}

int main(int argc, char **argv)
{
	if(argc >= 2 && strcmp(argv[1], "oracle") == 0) return oracle(argc - 2, argv + 2);
	if(argc != 3 || strcmp(argv[1], "check") != 0){
		fprintf(stderr, "usage: plugin_test check DIR | plugin_test oracle FILTER...\n");
		return 2;
	}
	check_names();
	check_things();
	check_revoked(argv[2]);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
