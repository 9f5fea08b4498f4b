/*
 * store — AWS IoT policies (CreatePolicy / GetPolicy / ListPolicies / DeletePolicy) and their attachments
 * to thing groups (AttachPolicy / DetachPolicy), kept on the cloud's database and in memory. The broker asks
 * decide() on every publish, subscribe and delivery: the policies attached to the groups a thing is in
 * (a Deny wins; an Allow adds to the broker's own TopicPolicy). Only thing-group targets are supported.
 */
import type Database from "better-sqlite3";
import { parsePolicyDocument, evaluate, PolicyDocumentError, type PolicyAction, type PolicyDocument } from "./document";
import { CloudError, ErrorCodes } from "../errors";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS iot_policies (name TEXT PRIMARY KEY, document TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS iot_policy_groups (policy TEXT NOT NULL, grp TEXT NOT NULL, PRIMARY KEY (policy, grp));
`;

export interface PolicyRecord {
	name: string;
	document: string;
	/** epoch ms */
	created: number;
}

/** The group membership the store needs (the Detect registry). */
export interface GroupLookup {
	groupsOf(thing: string): string[];
	hasThingGroup(name: string): boolean;
}

const NAME = /^[\w+=,.@-]{1,128}$/;

export class GroupPolicies {
	readonly #db: Database.Database;
	readonly #groups: GroupLookup;
	readonly #parsed = new Map<string, PolicyDocument>();
	/** group → attached policy names */
	readonly #attached = new Map<string, Set<string>>();
	/** false with an external broker: nothing here could be enforced, so attaching is refused */
	readonly enforced: boolean;

	constructor(db: Database.Database, groups: GroupLookup, enforced: boolean) {
		this.#db = db;
		this.#groups = groups;
		this.enforced = enforced;
		db.exec(SCHEMA);
		for (const r of db.prepare("SELECT name, document FROM iot_policies").all() as { name: string; document: string }[]) this.#parsed.set(r.name, parsePolicyDocument(r.document));
		for (const r of db.prepare("SELECT policy, grp FROM iot_policy_groups").all() as { policy: string; grp: string }[]) this.#attach(r.policy, r.grp);
	}

	create(name: string, document: string, now: number): PolicyRecord {
		if (!NAME.test(name)) throw new CloudError(ErrorCodes.InvalidRequest, `invalid policy name ${name}`);
		if (this.#parsed.has(name)) throw new CloudError(ErrorCodes.ResourceAlreadyExists, `policy ${name} already exists`);
		let parsed: PolicyDocument;
		try {
			parsed = parsePolicyDocument(document);
		} catch (e) {
			if (e instanceof PolicyDocumentError) throw new CloudError(ErrorCodes.InvalidRequest, `malformed policy: ${e.message}`);
			throw e;
		}
		this.#db.prepare("INSERT INTO iot_policies VALUES (?, ?, ?)").run(name, document, now);
		this.#parsed.set(name, parsed);
		return { name, document, created: now };
	}

	get(name: string): PolicyRecord | undefined {
		return this.#db.prepare("SELECT name, document, created FROM iot_policies WHERE name = ?").get(name) as PolicyRecord | undefined;
	}

	list(): string[] {
		return [...this.#parsed.keys()].sort();
	}

	delete(name: string): void {
		this.#known(name);
		if (this.targets(name).length > 0) throw new CloudError(ErrorCodes.InvalidRequest, `policy ${name} is attached to ${this.targets(name).join(", ")}; detach it first`);
		this.#db.prepare("DELETE FROM iot_policies WHERE name = ?").run(name);
		this.#parsed.delete(name);
	}

	attach(name: string, group: string): void {
		this.#known(name);
		if (!this.enforced) throw new CloudError(ErrorCodes.InvalidRequest, "thing-group policies are enforced by the embedded broker only; this cloud runs with an external broker");
		if (!this.#groups.hasThingGroup(group)) throw new CloudError(ErrorCodes.ResourceNotFound, `thing group ${group} does not exist`);
		this.#db.prepare("INSERT OR IGNORE INTO iot_policy_groups VALUES (?, ?)").run(name, group);
		this.#attach(name, group);
	}

	detach(name: string, group: string): void {
		this.#known(name);
		this.#db.prepare("DELETE FROM iot_policy_groups WHERE policy = ? AND grp = ?").run(name, group);
		this.#attached.get(group)?.delete(name);
	}

	/** A deleted group's attachments go with it (a group made again under the name starts without policies). */
	groupDeleted(group: string): void {
		this.#db.prepare("DELETE FROM iot_policy_groups WHERE grp = ?").run(group);
		this.#attached.delete(group);
	}

	/** Groups `name` is attached to. */
	targets(name: string): string[] {
		return [...this.#attached].filter(([, p]) => p.has(name)).map(([g]) => g).sort();
	}

	/** Policies attached to `group`. */
	attachedTo(group: string): string[] {
		return [...(this.#attached.get(group) ?? [])].sort();
	}

	/** The verdict of the policies on `thing`'s groups for one publish, receive or subscribe (undefined: none applies). */
	decide(thing: string, action: PolicyAction, name: string): "allow" | "deny" | undefined {
		if (this.#attached.size === 0) return undefined;
		const docs: PolicyDocument[] = [];
		for (const g of this.#groups.groupsOf(thing)) {
			for (const p of this.#attached.get(g) ?? []) {
				const d = this.#parsed.get(p);
				if (d) docs.push(d);
			}
		}
		return docs.length === 0 ? undefined : evaluate(docs, thing, action, name);
	}

	#known(name: string): void {
		if (!this.#parsed.has(name)) throw new CloudError(ErrorCodes.ResourceNotFound, `policy ${name} does not exist`);
	}

	#attach(policy: string, group: string): void {
		let s = this.#attached.get(group);
		if (!s) this.#attached.set(group, (s = new Set()));
		s.add(policy);
	}
}
