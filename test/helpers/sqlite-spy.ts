/*
 * sqlite-spy — watches the better-sqlite3 connections a test creates: the SQL text of every statement
 * prepared, and the connections themselves (to count rows changed or to simulate a full disk with
 * PRAGMA max_page_count). Install before the store is opened; restore with vi.restoreAllMocks().
 */
import Database from "better-sqlite3";
import { vi } from "vitest";

export interface SqliteSpy {
	prepared: string[];
	connections: Database.Database[];
	/** rows inserted, updated or deleted so far on the newest connection (SQLite total_changes()) */
	changes(): number;
}

export function spySqlite(): SqliteSpy {
	const spy: SqliteSpy = {
		prepared: [],
		connections: [],
		changes: () => {
			const db = spy.connections.at(-1);
			if (!db) throw new Error("no SQLite connection opened yet");
			return (db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
		},
	};
	const original = Database.prototype.prepare;
	vi.spyOn(Database.prototype, "prepare").mockImplementation(function (this: Database.Database, source: string) {
		if (!spy.connections.includes(this)) spy.connections.push(this);
		spy.prepared.push(source);
		return original.call(this, source);
	} as typeof original);
	return spy;
}
