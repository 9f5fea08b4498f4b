/*
 * verification — PutVerificationStateOnViolation: a violation (active, or in the event history) marked
 * TRUE_POSITIVE, BENIGN_POSITIVE, FALSE_POSITIVE or UNKNOWN with an optional description, kept in the
 * store's verification_states table (store.ts joins it into ListViolationEvents; ListActiveViolations is
 * decorated here). Unset = UNKNOWN, as in AWS.
 */
import type Database from "better-sqlite3";
import { CloudError, ErrorCodes } from "./errors";
import type { ActiveViolation } from "./violations";

export const VERIFICATION_STATES = ["TRUE_POSITIVE", "BENIGN_POSITIVE", "FALSE_POSITIVE", "UNKNOWN"] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

const MAX_DESCRIPTION = 1000;

export interface Verification {
	verificationState: VerificationState;
	verificationStateDescription?: string;
}

/** `state` as a VerificationState, or an InvalidRequest naming the four. */
export function verificationState(state: unknown, field = "verificationState"): VerificationState {
	if (!VERIFICATION_STATES.includes(state as VerificationState)) throw new CloudError(ErrorCodes.InvalidRequest, `${field} must be one of ${VERIFICATION_STATES.join(", ")}`);
	return state as VerificationState;
}

export class VerificationTable {
	readonly #db: Database.Database;

	/** `db` is the CloudStore's database (its schema has the table). */
	constructor(db: Database.Database) {
		this.#db = db;
	}

	/** True when `violationId` is in the event history. */
	inHistory(violationId: string): boolean {
		return this.#db.prepare("SELECT 1 FROM events WHERE json_extract(json, '$.violationId') = ? LIMIT 1").get(violationId) !== undefined;
	}

	put(violationId: string, state: unknown, description: unknown, now: number): Verification {
		const checked = verificationState(state);
		if (description !== undefined && (typeof description !== "string" || description.length > MAX_DESCRIPTION)) {
			throw new CloudError(ErrorCodes.InvalidRequest, `verificationStateDescription must be a string of at most ${MAX_DESCRIPTION} characters`);
		}
		this.#db.prepare("INSERT OR REPLACE INTO verification_states (violation_id, state, description, time) VALUES (?, ?, ?, ?)").run(violationId, checked, description ?? null, now);
		return { verificationState: checked, ...(description !== undefined ? { verificationStateDescription: description } : {}) };
	}

	get(violationId: string): Verification | undefined {
		const row = this.#db.prepare("SELECT state, description FROM verification_states WHERE violation_id = ?").get(violationId) as { state: VerificationState; description: string | null } | undefined;
		if (!row) return undefined;
		return { verificationState: row.state, ...(row.description !== null ? { verificationStateDescription: row.description } : {}) };
	}

	/** Active violations with their verification state, only those in `state` when given. */
	decorate(active: ActiveViolation[], state?: VerificationState): ActiveViolation[] {
		const out: ActiveViolation[] = [];
		for (const v of active) {
			const verified = this.get(v.violationId);
			if (state !== undefined && (verified?.verificationState ?? "UNKNOWN") !== state) continue;
			out.push(verified ? { ...v, ...verified } : v);
		}
		return out;
	}
}
