/*
 * pg-store — the store interface (backend.ts) on PostgreSQL with the `pg` client and a pool. openPgStore
 * checks the URL, connects (clear errors: pg-connect.ts) and applies the migrations (pg-migrate.ts).
 * The tables mirror the embedded store's fleet layout (store-fleet.ts FLEET_SCHEMA: things, behavior_keys /
 * behavior_states, metric_names / metric_rows with packed CBOR values) plus verification_states, joined into
 * ListViolationEvents. A write-behind batch is one transaction of set-based statements (unnest arrays), whatever its size.
 * `fence` (pg-leases.ts): with several processes, a batch is committed only while its writer still holds
 * the leases of the partitions it writes; otherwise it is rolled back and refused (LeaseLost).
 */
import type pg from "pg";
import type { SecurityProfile } from "../detect/profile";
import type { ViolationEvent } from "../detect/engine";
import type { MetricValue } from "../detect/metric-value";
import type { BehaviorState } from "../detect/state";
import { packValues, unpackValues } from "../metric-pack";
import { HISTORY_PAGE, HOUR_MS, initial, type MetricRow } from "../store-fleet";
import type { Verification } from "../verification";
import { CloudError, ErrorCodes } from "../errors";
import { EVENT_PAGE_MAX, type Batch, type EventQuery } from "../store";
import type { EventPage, RegistrySnapshot, StoreBackend, ThingSnapshot } from "./backend";
import { checkDatabaseUrl, describePgError, makePool } from "./pg-connect";
import { migrate } from "./pg-migrate";
import { PgOutbox } from "./pg-outbox";
import { partitionOf } from "./partition";

const CRITERIA_SQL = `CASE WHEN coalesce(jsonb_typeof(json::jsonb #> '{behavior,criteria,mlDetectionConfig}'), 'null') <> 'null' THEN 'MACHINE_LEARNING'
 WHEN coalesce(jsonb_typeof(json::jsonb #> '{behavior,criteria,statisticalThreshold}'), 'null') <> 'null' THEN 'STATISTICAL' ELSE 'STATIC' END`;

/** Who may write which partitions: checked inside each batch's transaction. */
export interface Fence {
	owner: string;
}

export class LeaseLost extends Error {}

export async function openPgStore(url: string, options: { poolSize?: number } = {}): Promise<PgStore> {
	const where = checkDatabaseUrl(url);
	const pool = makePool(url, options.poolSize);
	pool.on("error", () => undefined); // idle client errors surface on the next query
	try {
		await migrate(pool);
	} catch (e) {
		await pool.end().catch(() => undefined);
		const message = e instanceof Error && /newer than this cloud/.test(e.message) ? e.message : describePgError(e, where);
		throw new Error(message, { cause: e });
	}
	return new PgStore(pool, where);
}

export class PgStore implements StoreBackend {
	readonly kind = "postgres";
	readonly outbox: PgOutbox;
	fence: Fence | undefined;
	readonly #ids = new Ids();

	constructor(
		readonly pool: pg.Pool,
		readonly where: string,
	) {
		this.outbox = new PgOutbox(pool);
	}

	async saveProfile(p: SecurityProfile): Promise<void> {
		await this.pool.query("INSERT INTO profiles (name, json) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET json = excluded.json", [p.securityProfileName, JSON.stringify(p)]);
	}

	async saveTarget(profile: string, arn: string): Promise<void> {
		await this.pool.query("INSERT INTO targets (profile, arn) VALUES ($1, $2) ON CONFLICT DO NOTHING", [profile, arn]);
	}

	async saveGroup(group: string): Promise<void> {
		await this.pool.query("INSERT INTO groups (name, thing) VALUES ($1, '') ON CONFLICT DO NOTHING", [group]);
	}

	async saveMember(group: string, thing: string): Promise<void> {
		await this.pool.query("INSERT INTO groups (name, thing) VALUES ($1, $2) ON CONFLICT DO NOTHING", [group, thing]);
	}

	async loadRegistry(): Promise<RegistrySnapshot> {
		const profiles = (await this.pool.query<{ json: string }>("SELECT json FROM profiles ORDER BY name")).rows.map((r) => JSON.parse(r.json) as SecurityProfile);
		const targets = (await this.pool.query<{ profile: string; arn: string }>("SELECT profile, arn FROM targets ORDER BY profile, arn")).rows.map((r) => [r.profile, r.arn] as [string, string]);
		const groups = (await this.pool.query<{ name: string; thing: string }>("SELECT name, thing FROM groups ORDER BY name, thing")).rows.map(
			(r) => [r.name, r.thing === "" ? undefined : r.thing] as [string, string | undefined],
		);
		return { profiles, targets, groups };
	}

	async loadThings(parts?: number[]): Promise<ThingSnapshot> {
		const args = parts ? [parts] : [];
		const and = parts ? " AND t.part = ANY($1::int[])" : "";
		const gates = await this.pool.query<{ name: string; id: number | null; at: number | null }>(
			`SELECT t.name, t.last_report_id AS id, t.last_accepted_at AS at FROM things t WHERE (t.last_report_id IS NOT NULL OR t.last_accepted_at IS NOT NULL)${and}`,
			args,
		);
		const states = await this.pool.query<{ thing: string; profile: string; behavior: string; json: string }>(
			`SELECT t.name AS thing, k.profile, k.behavior, s.json FROM behavior_states s JOIN things t ON t.id = s.thing JOIN behavior_keys k ON k.id = s.behavior WHERE true${and}`,
			args,
		);
		const seen = await this.pool.query<{ name: string; seen: number }>(
			`SELECT t.name, t.seen FROM things t WHERE t.seen IS NOT NULL AND EXISTS (SELECT 1 FROM behavior_states s WHERE s.thing = t.id)${and}`,
			args,
		);
		return {
			gates: new Map(gates.rows.map((r) => [r.name, { lastReportId: r.id ?? undefined, lastAcceptedAt: r.at ?? undefined }])),
			states: states.rows.map((r) => ({ profile: r.profile, behavior: r.behavior, thing: r.thing, state: JSON.parse(r.json) as BehaviorState })),
			seen: seen.rows.map((r) => [r.name, r.seen]),
		};
	}

	async appendEvent(e: ViolationEvent): Promise<void> {
		await this.writeBatch({ states: [], seen: [], gates: [], metrics: [], events: [e] });
	}

	async writeBatch(b: Batch): Promise<void> {
		const client = await this.pool.connect();
		// a connection the server ends mid-transaction fails the queries below; its 'error' event must not crash the process
		const ignore = (): void => undefined;
		client.on("error", ignore);
		try {
			await client.query("BEGIN");
			if (this.fence) await checkFence(client, this.fence, b);
			await writeRows(client, this.#ids, b);
			await client.query("COMMIT");
		} catch (e) {
			await client.query("ROLLBACK").catch(() => undefined);
			this.#ids.forget();
			throw e;
		} finally {
			client.off("error", ignore);
			client.release();
		}
	}

	async violationEvents(q: EventQuery = {}): Promise<EventPage> {
		const args: (string | number)[] = [q.startTime ?? 0, q.endTime ?? Number.MAX_SAFE_INTEGER, q.nextToken === undefined ? 0 : cursor(q.nextToken)];
		const where = ["events.time >= $1", "events.time < $2", "seq > $3"];
		const equal = (sql: string, v: string | undefined): void => {
			if (v === undefined) return;
			args.push(v);
			where.push(`${sql} = $${args.length}`);
		};
		equal("events.thing", q.thingName);
		equal("events.profile", q.securityProfileName);
		equal(CRITERIA_SQL, q.behaviorCriteriaType);
		equal("coalesce(v.state, 'UNKNOWN')", q.verificationState);
		if (q.listSuppressedAlerts === false) where.push("coalesce(json::jsonb #>> '{behavior,suppressAlerts}', 'false') <> 'true'");
		const limit = q.maxResults ?? EVENT_PAGE_MAX;
		if (!Number.isInteger(limit) || limit < 1 || limit > EVENT_PAGE_MAX) throw new CloudError(ErrorCodes.InvalidRequest, `maxResults must be an integer 1..${EVENT_PAGE_MAX}`);
		args.push(limit + 1);
		const sql = `SELECT seq, json, v.state, v.description FROM events LEFT JOIN verification_states v ON v.violation_id = (events.json::jsonb ->> 'violationId')
		 WHERE ${where.join(" AND ")} ORDER BY seq LIMIT $${args.length}`;
		const { rows } = await this.pool.query<{ seq: number; json: string; state: string | null; description: string | null }>(sql, args);
		const page = rows.slice(0, limit);
		const last = page.at(-1);
		return { violationEvents: page.map(withVerification), nextToken: rows.length > limit && last ? String(last.seq) : undefined };
	}

	async metricValues(thing: string, metric: string, startTime = 0, endTime = Number.MAX_SAFE_INTEGER): ReturnType<StoreBackend["metricValues"]> {
		const ids = await this.pool.query<{ thing: number | null; metric: number | null; lo: number | null; hi: number | null }>(
			`SELECT (SELECT id FROM things WHERE name = $1) AS thing, (SELECT id FROM metric_names WHERE name = $2) AS metric,
			 (SELECT min(hour) FROM metric_rows) AS lo, (SELECT max(hour) FROM metric_rows) AS hi`,
			[thing, metric],
		);
		const r = ids.rows[0];
		if (!r || r.thing === null || r.metric === null || r.lo === null || r.hi === null || endTime <= startTime) return [];
		// the stored hours overlapping the range, probed one by one on the key (hour, thing, time)
		const hours: number[] = [];
		for (let h = Math.max(r.lo, Math.floor(startTime / HOUR_MS)); h <= Math.min(r.hi, Math.floor((endTime - 1) / HOUR_MS)); h++) hours.push(h);
		if (!hours.length) return [];
		const { rows } = await this.pool.query<{ time: number; data: Buffer }>(
			"SELECT time, data FROM metric_rows WHERE hour = ANY($1::bigint[]) AND thing = $2 AND time >= $3 AND time < $4 ORDER BY time",
			[hours, r.thing, startTime, endTime],
		);
		const out: { timestamp: number; value: MetricValue }[] = [];
		for (const row of rows) for (const [m, value] of unpackValues(row.data)) if (m === r.metric) out.push({ timestamp: row.time, value });
		return out;
	}

	/** The web console's reads (console/persisted.ts): every stored last-seen time, by thing. */
	async allSeen(): Promise<Map<string, number>> {
		const { rows } = await this.pool.query<{ name: string; seen: number }>("SELECT name, seen FROM things WHERE seen IS NOT NULL");
		return new Map(rows.map((r) => [r.name, r.seen]));
	}

	/** Every stored last accepted report time, by thing. */
	async allAccepted(): Promise<Map<string, number>> {
		const { rows } = await this.pool.query<{ name: string; at: number }>("SELECT name, last_accepted_at AS at FROM things WHERE last_accepted_at IS NOT NULL");
		return new Map(rows.map((r) => [r.name, r.at]));
	}

	/** One thing's stored last-seen and last accepted report times (null: none). */
	async thingTimes(thing: string): Promise<{ seen: number | null; accepted: number | null }> {
		const { rows } = await this.pool.query<{ seen: number | null; at: number | null }>("SELECT seen, last_accepted_at AS at FROM things WHERE name = $1", [thing]);
		return { seen: rows[0]?.seen ?? null, accepted: rows[0]?.at ?? null };
	}

	/** The first recorded event of a violation (its in-alarm), or undefined. */
	async firstEvent(violationId: string): Promise<{ time: number; type: string } | undefined> {
		const { rows } = await this.pool.query<{ time: number; type: string }>(
			"SELECT time, (json::jsonb ->> 'violationEventType') AS type FROM events WHERE (json::jsonb ->> 'violationId') = $1 ORDER BY seq LIMIT 1",
			[violationId],
		);
		return rows[0];
	}

	/**
	 * The datapoints of `metrics` (every thing) with time in [from, to) for ML training (ml/history.ts), a page
	 * of (the datapoints of) HISTORY_PAGE rows per promise: keyset pages on the primary key within each hour,
	 * as the embedded store reads them (store-fleet.ts). The next page is read only when asked for, after the
	 * previous promise has resolved; the first promise reads the metric ids and the stored hours (no rows).
	 */
	*metricHistoryPages(metrics: readonly string[], from: number, to: number): Generator<Promise<MetricRow[]>> {
		if (to <= from || !metrics.length) return;
		const at = { names: new Map<number, string>(), hours: [] as number[] };
		yield this.pool
			.query<{ id: number; name: string }>("SELECT id, name FROM metric_names WHERE name = ANY($1::text[])", [[...metrics]])
			.then(async ({ rows }) => {
				for (const r of rows) at.names.set(r.id, r.name);
				if (!at.names.size) return [];
				const span = await this.pool.query<{ lo: number | null; hi: number | null }>("SELECT (SELECT min(hour) FROM metric_rows) AS lo, (SELECT max(hour) FROM metric_rows) AS hi");
				const { lo, hi } = span.rows[0] ?? { lo: null, hi: null };
				if (lo !== null && hi !== null) for (let h = Math.max(lo, Math.floor(from / HOUR_MS)); h <= Math.min(hi, Math.floor((to - 1) / HOUR_MS)); h++) at.hours.push(h);
				return [];
			});
		const sql =
			"SELECT r.thing AS id, t.name AS thing, r.time, r.data FROM metric_rows r JOIN things t ON t.id = r.thing" +
			" WHERE r.hour = $1 AND (r.thing, r.time) > ($2, $3) AND r.time >= $4 AND r.time < $5 ORDER BY r.thing, r.time LIMIT $6";
		for (const hour of at.hours) {
			const cursor = { thing: -1, time: Number.MIN_SAFE_INTEGER, more: true };
			while (cursor.more) {
				yield this.pool.query<{ id: number; thing: string; time: number; data: Buffer }>(sql, [hour, cursor.thing, cursor.time, from, to, HISTORY_PAGE]).then(({ rows }) => {
					const out: MetricRow[] = [];
					for (const r of rows) {
						for (const [m, value] of unpackValues(r.data)) {
							const metric = at.names.get(m);
							if (metric !== undefined) out.push({ thing: r.thing, metric, time: r.time, value });
						}
					}
					const last = rows.at(-1);
					cursor.more = rows.length === HISTORY_PAGE && last !== undefined;
					if (last) Object.assign(cursor, { thing: last.id, time: last.time });
					return out;
				});
			}
		}
	}

	async hasViolation(violationId: string): Promise<boolean> {
		return (await this.pool.query("SELECT 1 FROM events WHERE (json::jsonb ->> 'violationId') = $1 LIMIT 1", [violationId])).rows.length > 0;
	}

	async putVerification(violationId: string, v: Verification, time: number): Promise<void> {
		await this.pool.query(
			"INSERT INTO verification_states (violation_id, state, description, time) VALUES ($1, $2, $3, $4) ON CONFLICT (violation_id) DO UPDATE SET state = excluded.state, description = excluded.description, time = excluded.time",
			[violationId, v.verificationState, v.verificationStateDescription ?? null, time],
		);
	}

	async pruneEvents(before: number, batch: number): Promise<number> {
		return (await this.pool.query("DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE time < $1 ORDER BY time LIMIT $2)", [before, batch])).rowCount ?? 0;
	}

	async pruneMetrics(before: number, batch: number): Promise<number> {
		// whole hours only (the leading key column), as the embedded store: a row is kept until its hour is wholly past
		const sql = "DELETE FROM metric_rows WHERE (hour, thing, time) IN (SELECT hour, thing, time FROM metric_rows WHERE hour < $1 LIMIT $2)";
		return (await this.pool.query(sql, [Math.floor(before / HOUR_MS), batch])).rowCount ?? 0;
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}

/** Refuses the batch unless `fence.owner` holds an unexpired lease on every partition the batch writes. */
async function checkFence(client: pg.PoolClient, fence: Fence, b: Batch): Promise<void> {
	const things = new Set<string>([...b.states.map(([k]) => keyParts(k).thing), ...b.seen.map(([t]) => t), ...b.gates.map(([t]) => t), ...b.metrics.map((m) => m.thing), ...b.events.map((e) => e.thingName)]);
	things.delete("");
	const parts = [...new Set([...things].map((t) => partitionOf(t)))];
	if (!parts.length) return;
	const { rows } = await client.query<{ part: number }>("SELECT part FROM leases WHERE part = ANY($1::int[]) AND owner = $2 AND expires_at > now() FOR SHARE", [parts, fence.owner]);
	if (rows.length !== parts.length) {
		const held = new Set(rows.map((r) => r.part));
		throw new LeaseLost(`lease lost on partition(s) ${parts.filter((p) => !held.has(p)).join(", ")}: batch not written`);
	}
}

/** The engine's state key: profile NUL behavior NUL thing. */
function keyParts(key: string): { profile: string; behavior: string; thing: string } {
	const [profile = "", behavior = "", thing = ""] = key.split("\u0000");
	return { profile, behavior, thing };
}

/** Integer ids of things, behaviors and metric names, cached once committed (forgotten after a failed transaction). */
class Ids {
	things = new Map<string, number>();
	behaviors = new Map<string, number>();
	metrics = new Map<string, number>();

	forget(): void {
		this.things.clear();
		this.behaviors.clear();
		this.metrics.clear();
	}

	/** Ids of `names` (made for those without one when `create`; else absent). */
	async thingIds(client: pg.PoolClient, names: Iterable<string>, create: boolean): Promise<Map<string, number>> {
		const missing = [...new Set(names)].filter((n) => !this.things.has(n)).sort();
		if (missing.length) {
			if (create) await client.query("INSERT INTO things (name, part) SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT (name) DO NOTHING", [missing, missing.map((n) => partitionOf(n))]);
			const { rows } = await client.query<{ id: number; name: string }>("SELECT id, name FROM things WHERE name = ANY($1::text[])", [missing]);
			for (const r of rows) this.things.set(r.name, r.id);
		}
		return this.things;
	}

	async behaviorIds(client: pg.PoolClient, keys: { profile: string; behavior: string }[]): Promise<Map<string, number>> {
		const missing = new Map<string, { profile: string; behavior: string }>();
		for (const k of keys) {
			const id = `${k.profile}\u0000${k.behavior}`;
			if (!this.behaviors.has(id)) missing.set(id, k);
		}
		if (missing.size) {
			const list = [...missing.values()].sort((a, b) => (a.profile + "\u0000" + a.behavior).localeCompare(b.profile + "\u0000" + b.behavior));
			const args = [list.map((k) => k.profile), list.map((k) => k.behavior)];
			await client.query("INSERT INTO behavior_keys (profile, behavior) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (profile, behavior) DO NOTHING", args);
			const { rows } = await client.query<{ id: number; profile: string; behavior: string }>(
				"SELECT k.id, k.profile, k.behavior FROM behavior_keys k JOIN unnest($1::text[], $2::text[]) AS u(p, b) ON k.profile = u.p AND k.behavior = u.b",
				args,
			);
			for (const r of rows) this.behaviors.set(`${r.profile}\u0000${r.behavior}`, r.id);
		}
		return this.behaviors;
	}

	async metricIds(client: pg.PoolClient, names: Iterable<string>): Promise<Map<string, number>> {
		const missing = [...new Set(names)].filter((n) => !this.metrics.has(n)).sort();
		if (missing.length) {
			await client.query("INSERT INTO metric_names (name) SELECT * FROM unnest($1::text[]) ON CONFLICT (name) DO NOTHING", [missing]);
			const { rows } = await client.query<{ id: number; name: string }>("SELECT id, name FROM metric_names WHERE name = ANY($1::text[])", [missing]);
			for (const r of rows) this.metrics.set(r.name, r.id);
		}
		return this.metrics;
	}
}

const id = (ids: Map<string, number>, name: string): number => {
	const v = ids.get(name);
	if (v === undefined) throw new Error(`store: no id for ${JSON.stringify(name)}`);
	return v;
};

async function writeRows(client: pg.PoolClient, ids: Ids, b: Batch): Promise<void> {
	if (b.events.length) {
		await client.query(
			`INSERT INTO events (time, thing, profile, json) SELECT t, th, p, j FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(t, th, p, j, n) ORDER BY n`,
			[b.events.map((e) => e.violationEventTime), b.events.map((e) => e.thingName), b.events.map((e) => e.securityProfileName), b.events.map((e) => JSON.stringify(e))],
		);
	}
	// states: only those that differ from the initial one are kept (absent = initial), as store-fleet.ts
	const states = b.states.map(([k, r]) => ({ ...keyParts(k), state: r && !initial(r.state) ? r.state : undefined }));
	const put = states.filter((s) => s.state !== undefined);
	const created = [...put.map((s) => s.thing), ...b.seen.map(([t]) => t), ...b.gates.map(([t]) => t), ...b.metrics.map((m) => m.thing)];
	let things = await ids.thingIds(client, created, true);
	const dropped = states.filter((s) => s.state === undefined);
	if (dropped.length) things = await ids.thingIds(client, dropped.map((s) => s.thing), false);
	if (states.length) {
		const behaviors = await ids.behaviorIds(client, states);
		const del = dropped.filter((s) => things.has(s.thing));
		if (del.length) {
			await client.query("DELETE FROM behavior_states s USING unnest($1::bigint[], $2::bigint[]) AS u(t, b) WHERE s.thing = u.t AND s.behavior = u.b", [
				del.map((s) => id(things, s.thing)),
				del.map((s) => id(behaviors, `${s.profile}\u0000${s.behavior}`)),
			]);
		}
		if (put.length) {
			// the last write of a key in the batch wins
			const last = new Map(put.map((s) => [`${s.thing}\u0000${s.profile}\u0000${s.behavior}`, s]));
			const rows = [...last.values()];
			await client.query(
				"INSERT INTO behavior_states (thing, behavior, json) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]) ON CONFLICT (thing, behavior) DO UPDATE SET json = excluded.json",
				[rows.map((s) => id(things, s.thing)), rows.map((s) => id(behaviors, `${s.profile}\u0000${s.behavior}`)), rows.map((s) => JSON.stringify(s.state))],
			);
		}
	}
	const seen = new Map(b.seen);
	if (b.gates.length) {
		const g = [...new Map(b.gates)];
		await client.query(
			`UPDATE things SET last_report_id = u.rid, last_accepted_at = u.at, seen = coalesce(u.seen, things.seen)
			 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(id, rid, at, seen) WHERE things.id = u.id`,
			[g.map(([t]) => id(things, t)), g.map(([, s]) => s.lastReportId ?? null), g.map(([, s]) => s.lastAcceptedAt ?? null), g.map(([t]) => seen.get(t) ?? null)],
		);
		for (const [t] of g) seen.delete(t);
	}
	if (seen.size) {
		const s = [...seen];
		await client.query("UPDATE things SET seen = u.at FROM unnest($1::bigint[], $2::bigint[]) AS u(id, at) WHERE things.id = u.id", [s.map(([t]) => id(things, t)), s.map(([, at]) => at)]);
	}
	if (b.metrics.length) {
		const metrics = await ids.metricIds(client, b.metrics.map((m) => m.metric));
		// one packed row per (thing, time), as store-fleet.ts; two on the same key (another batch) are appended
		const rows = new Map<string, { thing: number; time: number; values: [number, MetricValue][] }>();
		for (const m of b.metrics) {
			const thing = id(things, m.thing);
			const k = `${thing}:${m.time}`;
			let r = rows.get(k);
			if (!r) rows.set(k, (r = { thing, time: m.time, values: [] }));
			r.values.push([id(metrics, m.metric), m.value]);
		}
		const list = [...rows.values()];
		await client.query(
			`INSERT INTO metric_rows (hour, thing, time, data) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[])
			 ON CONFLICT (hour, thing, time) DO UPDATE SET data = metric_rows.data || excluded.data`,
			[list.map((r) => Math.floor(r.time / HOUR_MS)), list.map((r) => r.thing), list.map((r) => r.time), list.map((r) => packValues(r.values))],
		);
	}
}

function withVerification(r: { json: string; state: string | null; description: string | null }): ViolationEvent {
	const e = JSON.parse(r.json) as ViolationEvent;
	if (r.state === null) return e;
	return { ...e, verificationState: r.state, ...(r.description !== null ? { verificationStateDescription: r.description } : {}) };
}

function cursor(token: string): number {
	if (!/^\d{1,15}$/.test(token)) throw new CloudError(ErrorCodes.InvalidRequest, "nextToken is not one this cloud returned");
	return Number(token);
}
