/*
 * sns-store — SNS topics and subscriptions in the cloud's SQLite file. A subscription is pending
 * (confirmed = 0) until its token is presented by ConfirmSubscription; only confirmed ones get Publish
 * and violation deliveries. Deleting a topic deletes its subscriptions.
 */
import type Database from "better-sqlite3";

export const SNS_ARN_PREFIX = "arn:aws:sns:local:000000000000:";
/** SNS topic names: 1–256 of A-Z a-z 0-9 - _ */
export const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

export interface Topic {
	name: string;
	arn: string;
}

export type Protocol = "email" | "email-json" | "http" | "https";
export const PROTOCOLS: readonly Protocol[] = ["email", "email-json", "http", "https"];

export interface Subscription {
	arn: string;
	topic_arn: string;
	protocol: Protocol;
	endpoint: string;
	token: string;
	/** 0 = pending confirmation, 1 = confirmed */
	confirmed: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sns_topics (name TEXT PRIMARY KEY, arn TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sns_subscriptions (arn TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL, token TEXT NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS sns_subscriptions_topic ON sns_subscriptions (topic_arn);
`;

export class SnsStore {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	/** Creates the topic, or returns the existing one of that name (CreateTopic is idempotent). */
	createTopic(name: string, now: number): Topic {
		const arn = SNS_ARN_PREFIX + name;
		this.#db.prepare("INSERT OR IGNORE INTO sns_topics (name, arn, created_at) VALUES (?, ?, ?)").run(name, arn, now);
		return { name, arn };
	}

	topics(): Topic[] {
		return this.#db.prepare("SELECT name, arn FROM sns_topics ORDER BY rowid").all() as Topic[];
	}

	/** The topic an ARN names: matched by name, so any region/account in the ARN finds the local topic. */
	topicByArn(arn: string): Topic | undefined {
		const m = /^arn:aws:sns:[^:]*:[^:]*:([^:]+)$/.exec(arn);
		if (!m) return undefined;
		return this.#db.prepare("SELECT name, arn FROM sns_topics WHERE name = ?").get(m[1]) as Topic | undefined;
	}

	deleteTopic(arn: string): void {
		this.#db.transaction(() => {
			this.#db.prepare("DELETE FROM sns_subscriptions WHERE topic_arn = ?").run(arn);
			this.#db.prepare("DELETE FROM sns_topics WHERE arn = ?").run(arn);
		})();
	}

	addSubscription(s: Subscription): void {
		this.#db
			.prepare("INSERT INTO sns_subscriptions (arn, topic_arn, protocol, endpoint, token, confirmed) VALUES (?, ?, ?, ?, ?, ?)")
			.run(s.arn, s.topic_arn, s.protocol, s.endpoint, s.token, s.confirmed);
	}

	/** An existing subscription of the same protocol and endpoint to the topic (Subscribe returns it again). */
	findSubscription(topicArn: string, protocol: string, endpoint: string): Subscription | undefined {
		return this.#db
			.prepare("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?")
			.get(topicArn, protocol, endpoint) as Subscription | undefined;
	}

	subscription(arn: string): Subscription | undefined {
		return this.#db.prepare("SELECT * FROM sns_subscriptions WHERE arn = ?").get(arn) as Subscription | undefined;
	}

	subscriptionByToken(topicArn: string, token: string): Subscription | undefined {
		return this.#db.prepare("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND token = ?").get(topicArn, token) as Subscription | undefined;
	}

	subscriptions(topicArn?: string): Subscription[] {
		const sql = "SELECT * FROM sns_subscriptions" + (topicArn === undefined ? "" : " WHERE topic_arn = ?") + " ORDER BY rowid";
		return this.#db.prepare(sql).all(...(topicArn === undefined ? [] : [topicArn])) as Subscription[];
	}

	confirm(arn: string): void {
		this.#db.prepare("UPDATE sns_subscriptions SET confirmed = 1 WHERE arn = ?").run(arn);
	}

	removeSubscription(arn: string): void {
		this.#db.prepare("DELETE FROM sns_subscriptions WHERE arn = ?").run(arn);
	}
}
