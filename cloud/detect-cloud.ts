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

	constructor(parts: DetectCloudParts) {
		super(parts);
		this.definitions = parts.definitions;
		this.#verification = new VerificationTable(parts.store.database);
		this.#clock = parts.clock;
	}

	override listActiveViolations(filter: ViolationFilter = {}): ActiveViolation[] {
		const { verificationState: state, ...rest } = filter;
		return this.#verification.decorate(super.listActiveViolations(rest), state === undefined ? undefined : verificationState(state));
	}

	override queryViolationEvents(query: EventQuery = {}): { violationEvents: ViolationEvent[]; nextToken?: string } {
		if (query.verificationState !== undefined) verificationState(query.verificationState);
		return super.queryViolationEvents(query);
	}

	/** Marks an active or historical violation; InvalidRequest when no violation has that id (as AWS). */
	putVerificationStateOnViolation(violationId: string, state: unknown, description?: unknown): Verification {
		const active = super.listActiveViolations().some((v) => v.violationId === violationId);
		this.flush();
		if (!active && !this.#verification.inHistory(violationId)) throw new CloudError(ErrorCodes.InvalidRequest, `violation ${violationId} does not exist`);
		return this.#verification.put(violationId, state, description, this.#clock.now());
	}
}
