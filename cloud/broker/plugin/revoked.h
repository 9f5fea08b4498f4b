/*
 * revoked — the cloud's revocation list as the plugin reads it: a text file, one entry per line, either a
 * thing name (every certificate of that CN) or `serial:<hex>` (one certificate). Blank lines and lines
 * starting with # are ignored. Reloaded whenever the file's modification time or size changes.
 */
#ifndef DEFENDER_REVOKED_H
#define DEFENDER_REVOKED_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct def_revoked {
	char **entries;
	int count;
	time_t mtime;
	long mtime_ns;
	off_t size;
	bool loaded;
};

/**
 * Reloads `path` when it changed since the last call: 1 when reloaded, 0 when unchanged, -1 when it
 * cannot be read (the previous list stays). A missing file is an empty list.
 */
int def_revoked_refresh(struct def_revoked *r, const char *path);
void def_revoked_free(struct def_revoked *r);
/** True when the certificate of CN `name` and serial `serial` (hex, any case, may be "") is revoked. */
bool def_revoked_match(const struct def_revoked *r, const char *name, const char *serial);

#endif
