/*
 * pg-migrate — versioned schema migrations: migrations/NNN_name.sql, applied in order, each recorded in
 * schema_migrations (version, name, applied_at). All pending migrations run in one transaction under a
 * transaction-scoped advisory lock, so two processes starting at once apply them once. A database whose
 * schema is newer than this code knows is refused with a clear error (never downgraded or half-used).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type pg from "pg";

/** pg_advisory_xact_lock key of the migrations ("DEFD" in ASCII). */
export const MIGRATION_LOCK = 0x44454644;
const DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export function migrations(dir = DIR): Migration[] {
	const out = readdirSync(dir)
		.filter((f) => f.endsWith(".sql"))
		.map((f) => {
			const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(f);
			if (!m) throw new Error(`migration file name must be NNN_name.sql, got ${f}`);
			return { version: Number(m[1]), name: m[2], sql: readFileSync(join(dir, f), "utf8") };
		})
		.sort((a, b) => a.version - b.version);
	out.forEach((m, i) => {
		if (m.version !== i + 1) throw new Error(`migrations must be numbered 001, 002, … without gaps; found ${String(m.version).padStart(3, "0")} at position ${i + 1}`);
	});
	return out;
}

/** Applies what is pending; resolves to the versions applied now (empty when up to date). */
export async function migrate(pool: pg.Pool, list = migrations()): Promise<number[]> {
	const client = await pool.connect();
	const ignore = (): void => undefined; // a dropped connection fails the query below instead
	client.on("error", ignore);
	try {
		await client.query("BEGIN");
		await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
		await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
		const { rows } = await client.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_migrations");
		const current = rows[0]?.v ?? 0;
		const latest = list.at(-1)?.version ?? 0;
		if (current > latest) {
			throw new Error(`the database schema is at version ${current}, newer than this cloud knows (${latest}): upgrade the cloud, or use another database`);
		}
		const applied: number[] = [];
		for (const m of list.filter((m) => m.version > current)) {
			await client.query(m.sql);
			await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
			applied.push(m.version);
		}
		await client.query("COMMIT");
		return applied;
	} catch (e) {
		await client.query("ROLLBACK").catch(() => undefined);
		throw e;
	} finally {
		client.off("error", ignore);
		client.release();
	}
}
