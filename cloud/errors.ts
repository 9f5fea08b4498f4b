/*
 * errors — the closed set of error codes the cloud API and CLI raise, each with a stable `code`.
 * Names follow the AWS IoT exception names (without the "Exception" suffix).
 */

export const ErrorCodes = {
	InvalidRequest: "InvalidRequest",
	ResourceNotFound: "ResourceNotFound",
	ResourceAlreadyExists: "ResourceAlreadyExists",
	LimitExceeded: "LimitExceeded",
	VersionConflict: "VersionConflict",
	BadInput: "BadInput",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface ValidationError {
	errorMessage: string;
}

export class CloudError extends Error {
	readonly code: ErrorCode;
	readonly validationErrors: ValidationError[];

	constructor(code: ErrorCode, message: string, validationErrors: ValidationError[] = []) {
		super(message);
		this.name = "CloudError";
		this.code = code;
		this.validationErrors = validationErrors;
	}
}

export function invalidProfile(errors: ValidationError[]): CloudError {
	const first = errors[0]?.errorMessage ?? "invalid security profile";
	const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
	return new CloudError(ErrorCodes.InvalidRequest, first + more, errors);
}
