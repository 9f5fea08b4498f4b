/*
 * store-pg — write-behind batches through the store interface, SQLite (the embedded default) beside
 * PostgreSQL 15 (started as in the tests: test/helpers/postgres.ts, fsync off), same data, both in the fleet
 * layout (store-fleet.ts): each "report" is one report gate and last-seen time (one `things` row), two behavior
 * states counting towards an alarm (two `behavior_states` rows) and five metrics (one packed `metric_rows`
 * row), BATCH reports per transaction.
 * Prints reports/s per store and the ratio.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CloudStore, type Batch } from "../cloud/store";
import type { StoreBackend } from "../cloud/store/backend";
import { SqliteBackend } from "../cloud/store/sqlite-backend";
import { openPgStore } from "../cloud/store/pg-store";
import { startPostgres } from "../test/helpers/postgres";

const THINGS = 10_000;
const BATCH = 2_000;
const BATCHES = 15;

function batch(n: number): Batch {
	const b: Batch = { states: [], seen: [], gates: [], metrics: [], events: [] };
	for (let i = 0; i < BATCH; i++) {
		const thing = `thing-${(n * BATCH + i) % THINGS}`;
		const time = 1_700_000_000_000 + n * 1000 + i;
		b.gates.push([thing, { lastReportId: time, lastAcceptedAt: time }]);
		b.seen.push([thing, time]);
		for (const behavior of ["bytesOut", "ports"]) b.states.push([`P\u0000${behavior}\u0000${thing}`, { profile: "P", behavior, thing, state: { inAlarm: false, violating: 1, conforming: 0 } }]);
		for (const metric of ["aws:all-bytes-in", "aws:all-bytes-out", "aws:all-packets-in", "aws:all-packets-out", "aws:listening-tcp-ports"]) b.metrics.push({ thing, metric, time, value: { count: i } });
	}
	return b;
}

async function measure(name: string, store: StoreBackend): Promise<number> {
	await store.writeBatch(batch(0)); // warm-up
	const t0 = performance.now();
	for (let n = 1; n <= BATCHES; n++) await store.writeBatch(batch(n));
	const perSecond = (BATCHES * BATCH) / ((performance.now() - t0) / 1000);
	console.log(`${name.padEnd(10)} ${Math.round(perSecond).toLocaleString("en")} reports/s written behind (${BATCH} per transaction; 4 rows each: things, 2 behavior_states, metric_rows)`);
	return perSecond;
}

const dir = mkdtempSync(join(tmpdir(), "bench-store-"));
const pg = await startPostgres();
try {
	const sqlite = new SqliteBackend(new CloudStore(join(dir, "data")));
	const s = await measure("SQLite", sqlite);
	await sqlite.close();
	const store = await openPgStore(await pg.createDatabase("bench"));
	const p = await measure("PostgreSQL", store);
	await store.close();
	console.log(`PostgreSQL / SQLite: ${(p / s).toFixed(2)}`);
} finally {
	await pg.stop();
	rmSync(dir, { recursive: true, force: true });
}
