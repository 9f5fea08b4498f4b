/*
 * verification — AWS's PutVerificationStateOnViolation for the console: an operator's verdict on a
 * violation (UNKNOWN, TRUE_POSITIVE, BENIGN_POSITIVE, FALSE_POSITIVE) with a description, by violation id.
 */
import type Database from "better-sqlite3";
import { badRequest } from "./http";

const SCHEMA = `CREATE TABLE IF NOT EXISTS console_verification (violation_id TEXT PRIMARY KEY, state TEXT NOT NULL, description TEXT, time INTEGER NOT NULL);`;
export const VERIFICATION_STATES = ["UNKNOWN", "TRUE_POSITIVE", "BENIGN_POSITIVE", "FALSE_POSITIVE"] as const;
const MAX_DESCRIPTION = 1000;

export interface Verification {
	verificationState: string | null;
	verificationStateDescription: string | null;
}

export class VerificationStore {
	readonly #db: Database.Database;

	constructor(db: Database.Database) {
		this.#db = db;
		db.exec(SCHEMA);
	}

	put(violationId: string, body: Record<string, unknown>, now: number): void {
		const state = body.verificationState;
		if (typeof state !== "string" || !(VERIFICATION_STATES as readonly string[]).includes(state)) throw badRequest(`verificationState must be one of ${VERIFICATION_STATES.join(", ")}`);
		const description = body.verificationStateDescription;
		if (description !== undefined && (typeof description !== "string" || description.length > MAX_DESCRIPTION)) throw badRequest(`verificationStateDescription must be a string of at most ${MAX_DESCRIPTION} characters`);
		this.#db.prepare("INSERT OR REPLACE INTO console_verification VALUES (?, ?, ?, ?)").run(violationId, state, description ?? null, now);
	}

	get(violationId: string): Verification {
		const row = this.#db.prepare("SELECT state, description FROM console_verification WHERE violation_id = ?").get(violationId) as { state: string; description: string | null } | undefined;
		return { verificationState: row?.state ?? null, verificationStateDescription: row?.description ?? null };
	}
}
