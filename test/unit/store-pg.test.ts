/*
 * The store contract (store-contract.ts) against a real PostgreSQL 15 server started for this file
 * (test/helpers/postgres.ts), plus what only the PostgreSQL store has: migrations, connection errors, fencing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openPgStore, LeaseLost } from "../../cloud/store/pg-store";
import { migrations } from "../../cloud/store/pg-migrate";
import { partitionOf } from "../../cloud/store/partition";
import { freePort } from "../helpers/mosquitto";
import { PG_PASSWORD, startPostgres, type Postgres } from "../helpers/postgres";
import { storeContract } from "./store-contract";

let server: Postgres;
let n = 0;
beforeAll(async () => {
	server = await startPostgres();
}, 60_000);
afterAll(async () => server?.stop(), 30_000);

describe("store contract: PostgreSQL", () => {
	storeContract(async () => {
		const url = await server.createDatabase(`contract_${++n}`);
		return { store: await openPgStore(url), reopen: () => openPgStore(url) };
	});
});

describe("PostgreSQL store: migrations", () => {
	it("applies every migration once, recorded in schema_migrations; a second start applies none", async () => {
		const url = await server.createDatabase("migrate_once");
		const [a, b] = await Promise.all([openPgStore(url), openPgStore(url)]);
		await Promise.all([a.close(), b.close()]);
		const c = new pg.Client({ connectionString: url });
		await c.connect();
		try {
			const { rows } = await c.query("SELECT version, name FROM schema_migrations ORDER BY version");
			expect(rows).toEqual(migrations().map((m) => ({ version: m.version, name: m.name })));
			expect(rows.map((r) => r.name)).toEqual(["detect", "leases", "ml_models"]);
		} finally {
			await c.end();
		}
	});

	it("refuses a database whose schema is newer than the code, and leaves it untouched", async () => {
		const url = await server.createDatabase("migrate_newer");
		await (await openPgStore(url)).close();
		const c = new pg.Client({ connectionString: url });
		await c.connect();
		try {
			await c.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')");
			await expect(openPgStore(url)).rejects.toThrow(`the database schema is at version 999, newer than this cloud knows (${migrations().length}): upgrade the cloud`);
			expect((await c.query("SELECT count(*)::int AS n FROM schema_migrations")).rows[0].n).toBe(migrations().length + 1);
		} finally {
			await c.end();
		}
	});
});

describe("PostgreSQL store: connection errors", () => {
	it("a bad URL", async () => {
		await expect(openPgStore("mysql://x@y/z")).rejects.toThrow("--database: expected a postgres:// or postgresql:// URL, got mysql://…");
		await expect(openPgStore("postgres://user@host")).rejects.toThrow("--database: the URL names no database");
		await expect(openPgStore("not a url")).rejects.toThrow("--database: not a URL");
	});

	it("an unreachable server", async () => {
		const port = await freePort();
		await expect(openPgStore(`postgres://u:secret@127.0.0.1:${port}/db`)).rejects.toThrow(`PostgreSQL at postgres://u:***@127.0.0.1:${port}/db is unreachable (ECONNREFUSED)`);
	});

	it("a wrong password, never echoed", async () => {
		const bad = server.url("postgres").replace(PG_PASSWORD, "wrong-password");
		const err = await openPgStore(bad).then(() => undefined, (e: Error) => e);
		expect(err?.message).toMatch(/refused the login: authentication failed/);
		expect(err?.message).not.toContain("wrong-password");
	});

	it("a database that does not exist", async () => {
		await expect(openPgStore(server.url("no_such_db"))).rejects.toThrow(/database "no_such_db" does not exist/);
	});
});

describe("PostgreSQL store: lease fencing", () => {
	it("commits a batch only while its writer holds the lease of every partition it writes", async () => {
		const url = await server.createDatabase("fencing");
		const s = await openPgStore(url);
		try {
			await s.pool.query("UPDATE leases SET owner = 'me', expires_at = now() + interval '1 minute' WHERE part = $1", [partitionOf("mine")]);
			s.fence = { owner: "me" };
			await s.writeBatch({ states: [], seen: [], gates: [["mine", { lastReportId: 1 }]], metrics: [], events: [] });
			const write = s.writeBatch({ states: [], seen: [], gates: [["mine", { lastReportId: 2 }], ["theirs", { lastReportId: 2 }]], metrics: [], events: [] });
			await expect(write).rejects.toBeInstanceOf(LeaseLost);
			expect((await s.loadThings()).gates).toEqual(new Map([["mine", { lastReportId: 1, lastAcceptedAt: undefined }]]));
		} finally {
			await s.close();
		}
	});
});
