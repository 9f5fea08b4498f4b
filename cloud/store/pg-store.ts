/*
 * pg-store — the store interface (backend.ts) on PostgreSQL with the `pg` client and a pool. openPgStore
 * checks the URL, connects (clear errors: pg-connect.ts) and applies the migrations (pg-migrate.ts).
 * A write-behind batch is one transaction of set-based statements (unnest arrays), whatever its size.
 * `fence` (pg-leases.ts): with several processes, a batch is committed only while its writer still holds
 * the leases of the partitions it writes; otherwise it is rolled back and refused (LeaseLost).
 */
import type pg from "pg";
import type { SecurityProfile } from "../detect/profile";
import type { StateRecord, ViolationEvent } from "../detect/engine";
import type { ReportGateState } from "../reports/intake";
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
		const where = parts ? " WHERE part = ANY($1::int[])" : "";
		const args = parts ? [parts] : [];
		const gates = await this.pool.query<{ thing: string; last_report_id: number | null; last_accepted_at: number | null }>(`SELECT thing, last_report_id, last_accepted_at FROM gates${where}`, args);
		const states = await this.pool.query<{ json: string }>(`SELECT json FROM states${where}`, args);
		const seen = await this.pool.query<{ thing: string; at: number }>(`SELECT thing, at FROM seen${where}`, args);
		return {
			gates: new Map(gates.rows.map((r) => [r.thing, { lastReportId: r.last_report_id ?? undefined, lastAcceptedAt: r.last_accepted_at ?? undefined }])),
			states: states.rows.map((r) => JSON.parse(r.json) as StateRecord),
			seen: seen.rows.map((r) => [r.thing, r.at]),
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
			await writeRows(client, b);
			await client.query("COMMIT");
		} catch (e) {
			await client.query("ROLLBACK").catch(() => undefined);
			throw e;
		} finally {
			client.off("error", ignore);
			client.release();
		}
	}

	async violationEvents(q: EventQuery = {}): Promise<EventPage> {
		const args: (string | number)[] = [q.startTime ?? 0, q.endTime ?? Number.MAX_SAFE_INTEGER, q.nextToken === undefined ? 0 : cursor(q.nextToken)];
		const where = ["time >= $1", "time < $2", "seq > $3"];
		const equal = (sql: string, v: string | undefined): void => {
			if (v === undefined) return;
			args.push(v);
			where.push(`${sql} = $${args.length}`);
		};
		equal("thing", q.thingName);
		equal("profile", q.securityProfileName);
		equal(CRITERIA_SQL, q.behaviorCriteriaType);
		if (q.listSuppressedAlerts === false) where.push("coalesce(json::jsonb #>> '{behavior,suppressAlerts}', 'false') <> 'true'");
		const limit = q.maxResults ?? EVENT_PAGE_MAX;
		if (!Number.isInteger(limit) || limit < 1 || limit > EVENT_PAGE_MAX) throw new CloudError(ErrorCodes.InvalidRequest, `maxResults must be an integer 1..${EVENT_PAGE_MAX}`);
		args.push(limit + 1);
		const { rows } = await this.pool.query<{ seq: number; json: string }>(`SELECT seq, json FROM events WHERE ${where.join(" AND ")} ORDER BY seq LIMIT $${args.length}`, args);
		const page = rows.slice(0, limit);
		const last = page.at(-1);
		return { violationEvents: page.map((r) => JSON.parse(r.json) as ViolationEvent), nextToken: rows.length > limit && last ? String(last.seq) : undefined };
	}

	async metricValues(thing: string, metric: string, startTime = 0, endTime = Number.MAX_SAFE_INTEGER): ReturnType<StoreBackend["metricValues"]> {
		const { rows } = await this.pool.query<{ time: number; value: string }>(
			"SELECT time, value FROM metrics WHERE thing = $1 AND metric = $2 AND time >= $3 AND time < $4 ORDER BY time, id",
			[thing, metric, startTime, endTime],
		);
		return rows.map((r) => ({ timestamp: r.time, value: JSON.parse(r.value) }));
	}

	async pruneEvents(before: number, batch: number): Promise<number> {
		return (await this.pool.query("DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE time < $1 ORDER BY time LIMIT $2)", [before, batch])).rowCount ?? 0;
	}

	async pruneMetrics(before: number, batch: number): Promise<number> {
		return (await this.pool.query("DELETE FROM metrics WHERE id IN (SELECT id FROM metrics WHERE time < $1 LIMIT $2)", [before, batch])).rowCount ?? 0;
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}

/** Refuses the batch unless `fence.owner` holds an unexpired lease on every partition the batch writes. */
async function checkFence(client: pg.PoolClient, fence: Fence, b: Batch): Promise<void> {
	const things = new Set<string>([...b.states.map(([, r]) => r?.thing ?? ""), ...b.seen.map(([t]) => t), ...b.gates.map(([t]) => t), ...b.metrics.map((m) => m.thing), ...b.events.map((e) => e.thingName)]);
	things.delete("");
	const parts = [...new Set([...things].map((t) => partitionOf(t)))];
	if (!parts.length) return;
	const { rows } = await client.query<{ part: number }>("SELECT part FROM leases WHERE part = ANY($1::int[]) AND owner = $2 AND expires_at > now() FOR SHARE", [parts, fence.owner]);
	if (rows.length !== parts.length) {
		const held = new Set(rows.map((r) => r.part));
		throw new LeaseLost(`lease lost on partition(s) ${parts.filter((p) => !held.has(p)).join(", ")}: batch not written`);
	}
}

async function writeRows(client: pg.PoolClient, b: Batch): Promise<void> {
	if (b.events.length) {
		await client.query(
			`INSERT INTO events (time, thing, profile, json) SELECT t, th, p, j FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(t, th, p, j, n) ORDER BY n`,
			[b.events.map((e) => e.violationEventTime), b.events.map((e) => e.thingName), b.events.map((e) => e.securityProfileName), b.events.map((e) => JSON.stringify(e))],
		);
	}
	const put = b.states.filter((s): s is [string, StateRecord] => s[1] !== undefined);
	const del = b.states.filter(([, r]) => r === undefined).map(([k]) => k);
	if (del.length) await client.query("DELETE FROM states WHERE key = ANY($1::text[])", [del.map(textKey)]);
	if (put.length) {
		await client.query(
			`INSERT INTO states (key, thing, part, json) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) ON CONFLICT (key) DO UPDATE SET json = excluded.json`,
			[put.map(([k]) => textKey(k)), put.map(([, r]) => r.thing), put.map(([, r]) => partitionOf(r.thing)), put.map(([, r]) => JSON.stringify(r))],
		);
	}
	if (b.seen.length) {
		await client.query(`INSERT INTO seen (thing, part, at) SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]) ON CONFLICT (thing) DO UPDATE SET at = excluded.at`, [
			b.seen.map(([t]) => t),
			b.seen.map(([t]) => partitionOf(t)),
			b.seen.map(([, at]) => at),
		]);
	}
	if (b.gates.length) {
		const g = b.gates as [string, ReportGateState][];
		await client.query(
			`INSERT INTO gates (thing, part, last_report_id, last_accepted_at) SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[])
			 ON CONFLICT (thing) DO UPDATE SET last_report_id = excluded.last_report_id, last_accepted_at = excluded.last_accepted_at`,
			[g.map(([t]) => t), g.map(([t]) => partitionOf(t)), g.map(([, s]) => s.lastReportId ?? null), g.map(([, s]) => s.lastAcceptedAt ?? null)],
		);
	}
	if (b.metrics.length) {
		await client.query(`INSERT INTO metrics (thing, metric, time, value) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])`, [
			b.metrics.map((m) => m.thing),
			b.metrics.map((m) => m.metric),
			b.metrics.map((m) => m.time),
			b.metrics.map((m) => JSON.stringify(m.value)),
		]);
	}
}

/** A state key as PostgreSQL text, which cannot hold NUL (the engine's separator): its JSON string literal. */
function textKey(key: string): string {
	return JSON.stringify(key);
}

function cursor(token: string): number {
	if (!/^\d{1,15}$/.test(token)) throw new CloudError(ErrorCodes.InvalidRequest, "nextToken is not one this cloud returned");
	return Number(token);
}
