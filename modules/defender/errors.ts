/*
 * errors — the agent's closed set of configuration errors, each with a stable code.
 */

export type AgentErrorCode = "IntervalTooShort" | "BadOption" | "BadMetricName" | "DuplicateMetric";

export class AgentError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "AgentError";
	readonly code: AgentErrorCode;
	constructor(code: AgentErrorCode, message: string) {
		super(`${code}: ${message}`);
		this.code = code;
	}
}

/** Message of anything thrown, for logs. */
export function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
