/*
 * report-oracle — re-validates a report the cloud accepted, with parts independent of the cloud's
 * parsers: Buffer.isUtf8 (Node's simdutf) for every text, JSON.parse for the JSON grammar, cborg's JSON
 * and CBOR tokenisers and decoders (duplicate keys refused, big integers kept as BigInt, floats told from integers), node:net for IP
 * addresses, and a separately compiled ajv of the report schema. Returns why the report is garbage,
 * or undefined when it is a valid report.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { isUtf8 } from "node:buffer";
import { isIPv4, isIPv6 } from "node:net";
import { decode as cborgDecode, Tokenizer, Type, type Token } from "cborg";
import { decode as jsonDecode, Tokenizer as JsonTokenizer } from "cborg/json";
import { LIMITS } from "../../modules/facts/facts";
import { reportSchema } from "../../cloud/reports/schema";

const SELF_DESCRIBED = 55799;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function remoteAddrOk(s: string): boolean {
	const v6 = /^\[([^\]]+)\]:([0-9]{1,5})$/.exec(s);
	const v4 = /^([0-9.]+):([0-9]{1,5})$/.exec(s);
	const m = v6 ?? v4;
	if (!m || Number(m[2]) > 65535) return false;
	return v6 ? isIPv6(m[1]) : isIPv4(m[1]);
}

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });
ajv.addFormat("remote-addr", { type: "string", validate: remoteAddrOk });
const validators: Record<"long" | "short", ValidateFunction> = { long: ajv.compile(reportSchema("long")), short: ajv.compile(reportSchema("short")) };

/** Every token is JSON-like; text is UTF-8; no BigInt, NaN or Infinity; the report id is never a float. */
function tokenProblem(tokens: Token[]): string | undefined {
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i];
		if (typeof t.value === "bigint") return "integer beyond 2^53-1";
		if (t.type === Type.float && !Number.isFinite(t.value)) return "non-finite float";
		if (t.type === Type.bytes || t.type === Type.undefined) return `${t.type.name} item`;
		if (t.type === Type.tag && !(i === 0 && t.value === SELF_DESCRIBED)) return `tag ${t.value}`;
		if (t.type === Type.string && t.byteValue && !isUtf8(t.byteValue)) return "invalid UTF-8";
		if (t.type === Type.string && LONE_SURROGATE.test(t.value)) return "lone surrogate";
		if (t.type === Type.string && (t.value === "rid" || t.value === "report_id") && tokens[i + 1]?.type === Type.float) return "report id written as a float";
	}
	return undefined;
}

function tokensOf(next: () => Token, done: () => boolean): Token[] {
	const out: Token[] = [];
	while (!done()) out.push(next());
	return out;
}

/**
 * cborg's JSON tokeniser refuses the valid RFC 8259 number "0e+21" (zero with an exponent and no
 * fraction); it is rewritten "0.0e+21" (same value, still a float) where a value starts.
 */
function cborgFriendly(bytes: Uint8Array): Uint8Array {
	const text = Buffer.from(bytes).toString("utf8");
	const fixed = text.replace(/([:,[]\s*-?)0([eE])/g, (_m, before: string, e: string) => `${before}0.0${e}`);
	return fixed === text ? bytes : Buffer.from(fixed, "utf8");
}

function decodeIndependently(format: "json" | "cbor", payload: Uint8Array): unknown {
	if (format === "json") {
		const bytes = payload[0] === 0xef && payload[1] === 0xbb && payload[2] === 0xbf ? payload.subarray(3) : payload;
		if (!isUtf8(bytes)) throw new Error("invalid UTF-8");
		JSON.parse(Buffer.from(bytes).toString("utf8")); // the grammar (cborg's JSON takes trailing commas and "1.5e")
		const json = cborgFriendly(bytes);
		const t = new JsonTokenizer(json, { allowBigInt: true });
		const problem = tokenProblem(tokensOf(() => t.next(), () => t.done()));
		if (problem) throw new Error(problem);
		return jsonDecode(json, { allowBigInt: true, rejectDuplicateMapKeys: true });
	}
	const t = new Tokenizer(payload, { retainStringBytes: true, allowBigInt: true, allowIndefinite: true });
	const problem = tokenProblem(tokensOf(() => t.next(), () => t.done()));
	if (problem) throw new Error(problem);
	const tags: ((inner: unknown) => unknown)[] = [];
	tags[SELF_DESCRIBED] = (inner) => inner;
	return cborgDecode(payload, { allowIndefinite: true, allowUndefined: false, allowNaN: false, allowInfinity: false, allowBigInt: true, rejectDuplicateMapKeys: true, tags });
}

/** Why the cloud should not have accepted `payload` with report id `reportId`, or undefined when it is right. */
export function garbageReason(format: "json" | "cbor", payload: Uint8Array, reportId: number): string | undefined {
	const why = oracleReason(format, payload);
	if (why !== undefined || reportId === oracleReportId) return why;
	return `report id ${oracleReportId} vs decoded ${reportId}`;
}

let oracleReportId: unknown;

/** Why the oracle refuses `payload`, or undefined when it is a valid report (its id in oracleReportId). */
export function oracleReason(format: "json" | "cbor", payload: Uint8Array): string | undefined {
	let doc: unknown;
	try {
		doc = decodeIndependently(format, payload);
	} catch (e) {
		return `independent decoder refuses it: ${(e as Error).message}`;
	}
	if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "not a map";
	const style = "hed" in doc ? "short" : "long";
	const validate = validators[style];
	if (!validate(doc)) return `schema: ${ajv.errorsText(validate.errors)}`;
	const header = (doc as Record<string, Record<string, unknown>>)[style === "short" ? "hed" : "header"];
	const rid = header[style === "short" ? "rid" : "report_id"];
	if (typeof rid !== "number" || !Number.isInteger(rid) || rid < 1 || rid > LIMITS.maxReportId) return `report id ${String(rid)}`;
	oracleReportId = rid;
	return undefined;
}
