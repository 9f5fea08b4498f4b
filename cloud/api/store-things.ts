/*
 * store-things — things (name, id, attributes, version, creation time) and the metadata of thing groups
 * (id, description/attributes, version, creation time) the AWS IoT registry API reports. Group membership
 * itself lives in the Detect registry, which decides what a profile targets.
 */
import type Database from "better-sqlite3";
import { randomUUID } from "node:crypto";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_things (name TEXT PRIMARY KEY, id TEXT NOT NULL, type TEXT, attributes TEXT NOT NULL, version INTEGER NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_group_meta (name TEXT PRIMARY KEY, id TEXT NOT NULL, properties TEXT NOT NULL, version INTEGER NOT NULL, created INTEGER NOT NULL);
`;

export interface ThingRecord {
	thingName: string;
	thingId: string;
	thingTypeName?: string;
	attributes: Record<string, string>;
	version: number;
	/** epoch ms */
	created: number;
}

export interface GroupMeta {
	thingGroupId: string;
	thingGroupProperties: { thingGroupDescription?: string; attributePayload?: { attributes?: Record<string, string> } };
	version: number;
	created: number;
}

interface ThingRow {
	name: string;
	id: string;
	type: string | null;
	attributes: string;
	version: number;
	created: number;
}

const thingOf = (r: ThingRow): ThingRecord => ({
	thingName: r.name,
	thingId: r.id,
	...(r.type === null ? {} : { thingTypeName: r.type }),
	attributes: JSON.parse(r.attributes) as Record<string, string>,
	version: r.version,
	created: r.created,
});

export class ThingStore {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	get(name: string): ThingRecord | undefined {
		const row = this.#db.prepare("SELECT * FROM api_things WHERE name = ?").get(name) as ThingRow | undefined;
		return row && thingOf(row);
	}

	list(): ThingRecord[] {
		return (this.#db.prepare("SELECT * FROM api_things ORDER BY name").all() as ThingRow[]).map(thingOf);
	}

	create(name: string, attributes: Record<string, string>, type: string | undefined, now: number): ThingRecord {
		const t: ThingRecord = { thingName: name, thingId: randomUUID(), ...(type ? { thingTypeName: type } : {}), attributes, version: 1, created: now };
		this.#db.prepare("INSERT INTO api_things VALUES (?, ?, ?, ?, ?, ?)").run(name, t.thingId, type ?? null, JSON.stringify(attributes), 1, now);
		return t;
	}

	delete(name: string): void {
		this.#db.prepare("DELETE FROM api_things WHERE name = ?").run(name);
	}

	/** Metadata of a group; a group made outside the API (CLI) gets its record now. */
	groupMeta(name: string, now: number): GroupMeta {
		const row = this.#db.prepare("SELECT * FROM api_group_meta WHERE name = ?").get(name) as
			| { id: string; properties: string; version: number; created: number }
			| undefined;
		if (row) return { thingGroupId: row.id, thingGroupProperties: JSON.parse(row.properties) as GroupMeta["thingGroupProperties"], version: row.version, created: row.created };
		return this.putGroupMeta(name, {}, now);
	}

	putGroupMeta(name: string, properties: GroupMeta["thingGroupProperties"], now: number): GroupMeta {
		const meta = { thingGroupId: randomUUID(), thingGroupProperties: properties, version: 1, created: now };
		this.#db.prepare("INSERT OR REPLACE INTO api_group_meta VALUES (?, ?, ?, ?, ?)").run(name, meta.thingGroupId, JSON.stringify(properties), 1, now);
		return meta;
	}

	deleteGroupMeta(name: string): void {
		this.#db.prepare("DELETE FROM api_group_meta WHERE name = ?").run(name);
	}
}
