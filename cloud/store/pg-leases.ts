/*
 * pg-leases — the lease table of migration 002 as a few statements: a heartbeat per live process (nodes),
 * renewal of the partitions a process holds, a claim of free or expired ones up to a fair share, and a
 * release. Times are the server's (now()), so the processes' clocks need not agree.
 */
import type pg from "pg";
import { PARTITIONS } from "./partition";

export class LeaseTable {
	constructor(
		private readonly pool: pg.Pool,
		readonly owner: string,
		private readonly ttlMs: number,
	) {}

	/** Records this process as live; resolves to the number of live processes (this one included). */
	async heartbeat(): Promise<number> {
		await this.pool.query(
			"INSERT INTO nodes (owner, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond') ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at",
			[this.owner, this.ttlMs],
		);
		await this.pool.query("DELETE FROM nodes WHERE expires_at < now() - interval '1 hour'");
		const { rows } = await this.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM nodes WHERE expires_at > now()");
		return Math.max(1, rows[0]?.n ?? 1);
	}

	/** Extends the unexpired leases this process holds; resolves to them (an expired one is lost). */
	async renew(): Promise<number[]> {
		const { rows } = await this.pool.query<{ part: number }>(
			"UPDATE leases SET expires_at = now() + $2 * interval '1 millisecond' WHERE owner = $1 AND expires_at > now() RETURNING part",
			[this.owner, this.ttlMs],
		);
		return rows.map((r) => r.part).sort((a, b) => a - b);
	}

	/** Takes up to `count` free or expired partitions; resolves to those taken. */
	async claim(count: number): Promise<number[]> {
		if (count <= 0) return [];
		const { rows } = await this.pool.query<{ part: number }>(
			`UPDATE leases SET owner = $1, expires_at = now() + $2 * interval '1 millisecond'
			 WHERE part IN (SELECT part FROM leases WHERE expires_at <= now() ORDER BY part LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING part`,
			[this.owner, this.ttlMs, count],
		);
		return rows.map((r) => r.part).sort((a, b) => a - b);
	}

	async release(parts: number[]): Promise<void> {
		if (!parts.length) return;
		await this.pool.query("UPDATE leases SET owner = NULL, expires_at = '-infinity' WHERE owner = $1 AND part = ANY($2::int[])", [this.owner, parts]);
	}

	/** Leaves: releases every partition and the heartbeat. */
	async leave(): Promise<void> {
		await this.pool.query("UPDATE leases SET owner = NULL, expires_at = '-infinity' WHERE owner = $1", [this.owner]);
		await this.pool.query("DELETE FROM nodes WHERE owner = $1", [this.owner]);
	}
}

/** Each live process's share of the partitions. */
export function fairShare(live: number, partitions = PARTITIONS): number {
	return Math.ceil(partitions / Math.max(1, live));
}
