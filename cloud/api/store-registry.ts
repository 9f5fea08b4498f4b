/*
 * store-registry — the deletions the registry needs for the API (profiles, targets, groups, members) on the
 * cloud's tables, and the version/creation/modification times AWS reports for each security profile.
 */
import type Database from "better-sqlite3";
import type { RegistryRemovals } from "../detect/registry";

const SCHEMA = `CREATE TABLE IF NOT EXISTS api_profile_meta (name TEXT PRIMARY KEY, version INTEGER NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL);`;

export interface ProfileMeta {
	version: number;
	/** epoch ms */
	created: number;
	modified: number;
}

export class RegistryRemovalStore implements RegistryRemovals {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
	}

	deleteProfile(name: string): void {
		this.#db.transaction(() => {
			this.#db.prepare("DELETE FROM profiles WHERE name = ?").run(name);
			this.#db.prepare("DELETE FROM targets WHERE profile = ?").run(name);
		})();
	}

	deleteTarget(profile: string, arn: string): void {
		this.#db.prepare("DELETE FROM targets WHERE profile = ? AND arn = ?").run(profile, arn);
	}

	deleteGroup(group: string): void {
		this.#db.prepare("DELETE FROM groups WHERE name = ?").run(group);
	}

	deleteMember(group: string, thing: string): void {
		this.#db.prepare("DELETE FROM groups WHERE name = ? AND thing = ?").run(group, thing);
	}
}

export class ProfileMetaStore {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	/** The profile's metadata; a profile created outside the API (CLI) starts at version 1 now. */
	get(name: string, now: number): ProfileMeta {
		const row = this.#db.prepare("SELECT version, created, modified FROM api_profile_meta WHERE name = ?").get(name) as ProfileMeta | undefined;
		if (row) return row;
		const meta = { version: 1, created: now, modified: now };
		this.#put(name, meta);
		return meta;
	}

	created(name: string, now: number): ProfileMeta {
		const meta = { version: 1, created: now, modified: now };
		this.#put(name, meta);
		return meta;
	}

	bumped(name: string, now: number): ProfileMeta {
		const old = this.get(name, now);
		const meta = { version: old.version + 1, created: old.created, modified: now };
		this.#put(name, meta);
		return meta;
	}

	delete(name: string): void {
		this.#db.prepare("DELETE FROM api_profile_meta WHERE name = ?").run(name);
	}

	#put(name: string, m: ProfileMeta): void {
		this.#db.prepare("INSERT OR REPLACE INTO api_profile_meta VALUES (?, ?, ?, ?)").run(name, m.version, m.created, m.modified);
	}
}
