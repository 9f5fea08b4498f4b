/*
 * errors — the API's error answers: HTTP status, the AWS exception name sent as x-amzn-ErrorType and a
 * JSON {message} body, as the AWS IoT REST-JSON protocol returns them. CloudErrors map to their
 * AWS IoT exceptions (InvalidRequest → InvalidRequestException 400, and so on).
 */
import { CloudError, type ErrorCode } from "../errors";

export class ApiError extends Error {
	readonly status: number;
	readonly type: string;

	constructor(status: number, type: string, message: string) {
		super(message);
		this.name = "ApiError";
		this.status = status;
		this.type = type;
	}
}

const FROM_CLOUD: Record<ErrorCode, [number, string]> = {
	InvalidRequest: [400, "InvalidRequestException"],
	BadInput: [400, "InvalidRequestException"],
	ResourceNotFound: [404, "ResourceNotFoundException"],
	ResourceAlreadyExists: [409, "ResourceAlreadyExistsException"],
	LimitExceeded: [410, "LimitExceededException"],
	VersionConflict: [409, "VersionConflictException"],
};

export const invalid = (message: string): ApiError => new ApiError(400, "InvalidRequestException", message);
export const notFound = (message: string): ApiError => new ApiError(404, "ResourceNotFoundException", message);
export const conflict = (message: string): ApiError => new ApiError(409, "VersionConflictException", message);
export const exists = (message: string): ApiError => new ApiError(409, "ResourceAlreadyExistsException", message);

/** Any thrown value as the ApiError to answer with (unexpected ones become InternalFailureException 500). */
export function toApiError(e: unknown): ApiError {
	if (e instanceof ApiError) return e;
	if (e instanceof CloudError) {
		const [status, type] = FROM_CLOUD[e.code];
		return new ApiError(status, type, e.message);
	}
	return new ApiError(500, "InternalFailureException", "internal failure");
}
