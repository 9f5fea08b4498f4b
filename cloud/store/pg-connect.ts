/*
 * pg-connect — opening a PostgreSQL store: checks the URL, makes a pool (bigint columns read as numbers:
 * epoch ms and report ids) and turns the pg client's failures into one clear sentence (bad URL,
 * server unreachable, authentication failed, no such database). The password never appears in a message.
 */
import pg from "pg";

/** Checks a `--database` URL; returns it with the password masked, for messages. */
export function checkDatabaseUrl(url: string): string {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		throw new Error(`--database: not a URL: expected postgres://user:password@host:port/database`);
	}
	if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error(`--database: expected a postgres:// or postgresql:// URL, got ${u.protocol}//…`);
	if (!u.hostname) throw new Error("--database: the URL names no host: expected postgres://user:password@host:port/database");
	if (u.port && !(Number(u.port) >= 1 && Number(u.port) <= 65535)) throw new Error(`--database: port must be 1..65535, got ${u.port}`);
	if (u.pathname.length <= 1) throw new Error("--database: the URL names no database: expected postgres://user:password@host:port/database");
	if (u.password) u.password = "***";
	return u.toString();
}

const BIGINT = 20;

export function makePool(url: string, max = 4): pg.Pool {
	return new pg.Pool({
		connectionString: url,
		max,
		connectionTimeoutMillis: 10_000,
		types: { getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === BIGINT ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser },
	});
}

/** One sentence for a failure to connect or query, naming the server (not the password). */
export function describePgError(e: unknown, where: string): string {
	const err = e as { code?: string; message?: string };
	switch (err.code) {
		case "ECONNREFUSED":
		case "ENOTFOUND":
		case "EHOSTUNREACH":
		case "ETIMEDOUT":
		case "EAI_AGAIN":
			return `PostgreSQL at ${where} is unreachable (${err.code})`;
		case "28P01":
		case "28000":
			return `PostgreSQL at ${where} refused the login: authentication failed (${err.message ?? err.code})`;
		case "3D000":
			return `PostgreSQL at ${where}: ${err.message ?? "database does not exist"}`;
		default:
			if (/timeout/i.test(err.message ?? "")) return `PostgreSQL at ${where} is unreachable (${err.message})`;
			return `PostgreSQL at ${where}: ${err.message ?? String(e)}`;
	}
}
