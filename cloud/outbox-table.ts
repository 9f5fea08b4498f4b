/*
 * outbox-table — the alert outbox in the cloud's SQLite file: one row per delivery still owed to one
 * target (the webhook, or an SNS subscriber), written before the first attempt and deleted
 * once delivered. Rows of one target are delivered in insertion order (rowid).
 */
import type Database from "better-sqlite3";

export interface OutboxRow {
	/** unique per delivery; sent along so a subscriber can drop a repeat */
	id: string;
	/** "webhook:<url>", "sns-email:<subscriptionArn>", "sns-http:<subscriptionArn>" */
	target: string;
	payload: string;
	attempts: number;
	/** epoch ms */
	next_attempt_at: number;
	/** epoch ms, for the retention bound */
	created_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, target TEXT NOT NULL, payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_target ON outbox (target);
CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);
`;

export class OutboxTable {
	readonly #db: Database.Database;
	readonly #statements = new Map<string, Database.Statement>();

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	/** Inserts rows in one transaction (all or none). */
	add(rows: OutboxRow[]): void {
		const put = this.#sql("INSERT OR IGNORE INTO outbox (id, target, payload, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)");
		this.#db.transaction(() => {
			for (const r of rows) put.run(r.id, r.target, r.payload, r.attempts, r.next_attempt_at, r.created_at);
		})();
	}

	/** The oldest row still owed to `target` (due or not). */
	head(target: string): OutboxRow | undefined {
		return this.#sql("SELECT * FROM outbox WHERE target = ? ORDER BY rowid LIMIT 1").get(target) as OutboxRow | undefined;
	}

	remove(id: string): void {
		this.#sql("DELETE FROM outbox WHERE id = ?").run(id);
	}

	retryAt(id: string, attempts: number, at: number): void {
		this.#sql("UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?").run(attempts, at, id);
	}

	targets(): string[] {
		return (this.#sql("SELECT DISTINCT target FROM outbox").all() as { target: string }[]).map((r) => r.target);
	}

	count(): number {
		return (this.#sql("SELECT count(*) AS n FROM outbox").get() as { n: number }).n;
	}

	/** Rows of the targets `owns` selects. */
	countByTarget(owns: (target: string) => boolean): number {
		const rows = this.#sql("SELECT target, count(*) AS n FROM outbox GROUP BY target").all() as { target: string; n: number }[];
		return rows.reduce((sum, r) => sum + (owns(r.target) ? r.n : 0), 0);
	}

	/** Deletes at most `batch` rows created before `before`; returns how many. */
	prune(before: number, batch: number): number {
		return this.#sql("DELETE FROM outbox WHERE rowid IN (SELECT rowid FROM outbox WHERE created_at < ? LIMIT ?)").run(before, batch).changes;
	}

	#sql(text: string): Database.Statement {
		let statement = this.#statements.get(text);
		if (!statement) this.#statements.set(text, (statement = this.#db.prepare(text)));
		return statement;
	}
}
