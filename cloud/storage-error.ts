/*
 * storage-error — tells a storage failure (disk full, read-only file, I/O error: any SQLite error) from a
 * programming error. Storage failures are reported and survived by the caller; anything else is rethrown.
 */
import Database from "better-sqlite3";

/** "SQLITE_FULL: database or disk is full" for a SQLite error; rethrows anything else. */
export function storageFailure(e: unknown): string {
	if (e instanceof Database.SqliteError) return `${e.code}: ${e.message}`;
	throw e;
}
