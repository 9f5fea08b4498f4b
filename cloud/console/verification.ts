/*
 * verification — the console's view of PutVerificationStateOnViolation. The states live in one place,
 * the store's verification_states table behind DetectCloud (cloud/verification.ts), which the API, the
 * CLI and the console share; here they are only shaped for the page (null = never set) and refused with
 * the console's HTTP errors.
 */
import type { DetectCloud } from "../detect-cloud";
import { CloudError } from "../errors";
import { VERIFICATION_STATES } from "../verification";
import { badRequest, notFound } from "./http";

export interface Verification {
	verificationState: string | null;
	verificationStateDescription: string | null;
}

/** The verification fields of a listed violation or event, null when never set. */
export function verificationOf(v: { verificationState?: string; verificationStateDescription?: string }): Verification {
	return { verificationState: v.verificationState ?? null, verificationStateDescription: v.verificationStateDescription ?? null };
}

/** Sets the state of an active or historical violation: 400 for a bad state or description, 404 for an unknown id. */
export async function putVerification(cloud: DetectCloud, violationId: string, body: Record<string, unknown>): Promise<void> {
	const state = body.verificationState;
	if (typeof state !== "string" || !(VERIFICATION_STATES as readonly string[]).includes(state)) throw badRequest(`verificationState must be one of ${VERIFICATION_STATES.join(", ")}`);
	try {
		// the API's path: the violation looked up in the history wherever it is (SQLite or PostgreSQL)
		await cloud.putVerificationStateOnViolationAsync(violationId, state, body.verificationStateDescription);
	} catch (e) {
		if (!(e instanceof CloudError)) throw e;
		throw /does not exist/.test(e.message) ? notFound(e.message) : badRequest(e.message);
	}
}
