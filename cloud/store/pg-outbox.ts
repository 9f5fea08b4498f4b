/*
 * pg-outbox — the alert outbox (outbox-table.ts) in PostgreSQL: one row per delivery still owed to one
 * target, delivered in insertion order (seq) per target.
 */
import type pg from "pg";
import type { OutboxRow } from "../outbox-table";
import type { AsyncOutbox } from "./backend";

export class PgOutbox implements AsyncOutbox {
	constructor(private readonly pool: pg.Pool) {}

	async add(rows: OutboxRow[]): Promise<void> {
		if (!rows.length) return;
		const col = <K extends keyof OutboxRow>(k: K): OutboxRow[K][] => rows.map((r) => r[k]);
		await this.pool.query(
			`INSERT INTO outbox (id, target, payload, attempts, next_attempt_at, created_at)
			 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[]) ON CONFLICT (id) DO NOTHING`,
			[col("id"), col("target"), col("payload"), col("attempts"), col("next_attempt_at"), col("created_at")],
		);
	}

	async head(target: string): Promise<OutboxRow | undefined> {
		const { rows } = await this.pool.query<OutboxRow>("SELECT id, target, payload, attempts, next_attempt_at, created_at FROM outbox WHERE target = $1 ORDER BY seq LIMIT 1", [target]);
		return rows[0];
	}

	async remove(id: string): Promise<void> {
		await this.pool.query("DELETE FROM outbox WHERE id = $1", [id]);
	}

	async retryAt(id: string, attempts: number, at: number): Promise<void> {
		await this.pool.query("UPDATE outbox SET attempts = $1, next_attempt_at = $2 WHERE id = $3", [attempts, at, id]);
	}

	async targets(): Promise<string[]> {
		return (await this.pool.query<{ target: string }>("SELECT DISTINCT target FROM outbox ORDER BY target")).rows.map((r) => r.target);
	}

	async count(): Promise<number> {
		return Number((await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM outbox")).rows[0]?.n ?? 0);
	}

	async prune(before: number, batch: number): Promise<number> {
		const r = await this.pool.query("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE created_at < $1 ORDER BY seq LIMIT $2)", [before, batch]);
		return r.rowCount ?? 0;
	}
}
