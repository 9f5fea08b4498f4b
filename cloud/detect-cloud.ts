/*
 * detect-cloud — the Cloud plus the account's Detect definitions (dimensions, custom metrics: `definitions`)
 * and verification states on violations (PutVerificationStateOnViolation; ListActiveViolations and
 * ListViolationEvents carry and filter them). What startCloud returns (through ApiCloud).
 */
import { Cloud, type CloudParts } from "./cloud";
import type { Definitions } from "./detect/definitions";
import type { ViolationEvent } from "./detect/engine";
import { CloudError, ErrorCodes } from "./errors";
import type { EventQuery } from "./store";
import { VerificationTable, verificationState, type Verification } from "./verification";
import type { ActiveViolation, ViolationFilter } from "./violations";

export interface DetectCloudParts extends CloudParts {
	definitions: Definitions;
}

export class DetectCloud extends Cloud {
	/** CreateDimension … DeleteCustomMetric: the dimensions and custom metrics behaviors refer to */
	readonly definitions: Definitions;
	readonly #verification: VerificationTable;
	readonly #clock: CloudParts["clock"];
	readonly #store: CloudParts["store"];

	constructor(parts: DetectCloudParts) {
		super(parts);
		this.definitions = parts.definitions;
		this.#verification = new VerificationTable(parts.store.database);
		this.#clock = parts.clock;
		this.#store = parts.store;
	}

	override listActiveViolations(filter: ViolationFilter = {}): ActiveViolation[] {
		const { verificationState: state, ...rest } = filter;
		return this.#verification.decorate(super.listActiveViolations(rest), state === undefined ? undefined : verificationState(state));
	}

	override queryViolationEvents(query: EventQuery = {}): { violationEvents: ViolationEvent[]; nextToken?: string } {
		if (query.verificationState !== undefined) verificationState(query.verificationState);
		return super.queryViolationEvents(query);
	}

	/**
	 * Marks an active or historical violation; InvalidRequest when no violation has that id (as AWS). On a
	 * server database (PostgreSQL) only an active violation is found here (the history is read
	 * asynchronously: putVerificationStateOnViolationAsync, what the API calls).
	 */
	putVerificationStateOnViolation(violationId: string, state: unknown, description?: unknown): Verification {
		const active = super.listActiveViolations().some((v) => v.violationId === violationId);
		this.flush();
		if (!active && this.#store.history) {
			throw new CloudError(ErrorCodes.InvalidRequest, `violation ${violationId} is not active here; the store is PostgreSQL: a historical violation is looked up asynchronously (the API)`);
		}
		if (!active && !this.#verification.inHistory(violationId)) throw new CloudError(ErrorCodes.InvalidRequest, `violation ${violationId} does not exist`);
		return this.#record(violationId, state, description);
	}

	/** putVerificationStateOnViolation for any store: a server database's history is looked up asynchronously. */
	async putVerificationStateOnViolationAsync(violationId: string, state: unknown, description?: unknown): Promise<Verification> {
		const { history, drained } = this.#store;
		if (!history) return this.putVerificationStateOnViolation(violationId, state, description);
		verificationState(state);
		const active = super.listActiveViolations().some((v) => v.violationId === violationId);
		this.flush();
		await drained?.call(this.#store);
		if (!active && !(await history.hasViolation(violationId))) throw new CloudError(ErrorCodes.InvalidRequest, `violation ${violationId} does not exist`);
		return this.#record(violationId, state, description);
	}

	/** Kept in the process's table (ListActiveViolations decorates from it) and, on a server database, where the history is (ListViolationEvents joins it). */
	#record(violationId: string, state: unknown, description: unknown): Verification {
		const now = this.#clock.now();
		const v = this.#verification.put(violationId, state, description, now);
		this.#store.putVerification?.(violationId, v, now);
		return v;
	}
}
