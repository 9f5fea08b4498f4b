/* revoked — see revoked.h. */
#include "revoked.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SERIAL_TAG "serial:"
#define LINE_MAX_LEN 512

void def_revoked_free(struct def_revoked *r)
{
	int i;
	for(i = 0; i < r->count; i++) free(r->entries[i]);
	free(r->entries);
	r->entries = NULL;
	r->count = 0;
}

/* Trims `line` in place: no trailing blanks/newline, no leading blanks. */
static char *trim(char *line)
{
	size_t n;
	while(*line == ' ' || *line == '\t') line++;
	n = strlen(line);
	while(n > 0 && isspace((unsigned char)line[n - 1])) line[--n] = '\0';
	return line;
}

static int read_entries(FILE *f, char ***entries, int *count)
{
	char line[LINE_MAX_LEN];
	int cap = 0;
	*entries = NULL;
	*count = 0;
	while(fgets(line, sizeof(line), f)){
		char *e = trim(line), *copy;
		if(*e == '\0' || *e == '#') continue;
		if(*count == cap){
			char **grown = realloc(*entries, (size_t)(cap ? cap * 2 : 16) * sizeof(char *));
			if(grown == NULL) return -1;
			*entries = grown;
			cap = cap ? cap * 2 : 16;
		}
		copy = malloc(strlen(e) + 1);
		if(copy == NULL) return -1;
		strcpy(copy, e);
		(*entries)[(*count)++] = copy;
	}
	return ferror(f) ? -1 : 0;
}

int def_revoked_refresh(struct def_revoked *r, const char *path)
{
	struct stat st;
	FILE *f;
	struct def_revoked next = {0};
	if(stat(path, &st) != 0){
		if(errno != ENOENT) return -1;
		if(r->loaded && r->count == 0) return 0;
		def_revoked_free(r);
		r->loaded = true;
		r->mtime = 0;
		r->size = 0;
		return 1;
	}
	if(r->loaded && st.st_mtim.tv_sec == r->mtime && st.st_mtim.tv_nsec == r->mtime_ns && st.st_size == r->size) return 0;
	f = fopen(path, "r");
	if(f == NULL) return -1;
	if(read_entries(f, &next.entries, &next.count) != 0){
		fclose(f);
		def_revoked_free(&next);
		return -1;
	}
	fclose(f);
	def_revoked_free(r);
	*r = next;
	r->loaded = true;
	r->mtime = st.st_mtim.tv_sec;
	r->mtime_ns = st.st_mtim.tv_nsec;
	r->size = st.st_size;
	return 1;
}

/* Hex serials compare case-insensitively and without leading zeros. */
static bool same_serial(const char *a, const char *b)
{
	while(*a == '0') a++;
	while(*b == '0') b++;
	if(*a == '\0' || *b == '\0') return false;
	for(; *a && *b; a++, b++){
		if(tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
	}
	return *a == '\0' && *b == '\0';
}

bool def_revoked_match(const struct def_revoked *r, const char *name, const char *serial)
{
	size_t tag = strlen(SERIAL_TAG);
	int i;
	for(i = 0; i < r->count; i++){
		const char *e = r->entries[i];
		if(strncmp(e, SERIAL_TAG, tag) == 0){
			if(serial && same_serial(e + tag, serial)) return true;
		}else if(strcmp(e, name) == 0){
			return true;
		}
	}
	return false;
}
