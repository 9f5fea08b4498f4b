/*
 * document — the subset of AWS IoT policy documents the embedded broker enforces for thing groups:
 * statements with Effect Allow or Deny, Action iot:Publish, iot:Receive, iot:Subscribe or iot:* (a string
 * or a list), and Resource or NotResource (a string or a list) of `topic/…` (Publish, Receive) and
 * `topicfilter/…` (Subscribe) ARNs or "*". In a resource, `*` matches any characters, `?` one, and the
 * policy variables ${iot:Connection.Thing.ThingName} and ${iot:ClientId} are the thing (client id = thing
 * name here). Anything else (iot:Connect, conditions, other variables) is refused with a clear error.
 */

export type PolicyAction = "publish" | "receive" | "subscribe";

interface Statement {
	allow: boolean;
	actions: Set<PolicyAction>;
	resources: string[];
	/** true: the statement applies to every resource NOT matched by `resources` */
	not: boolean;
}

export interface PolicyDocument {
	statements: Statement[];
}

export class PolicyDocumentError extends Error {}

const ACTIONS: Record<string, PolicyAction[]> = {
	"iot:Publish": ["publish"],
	"iot:Receive": ["receive"],
	"iot:Subscribe": ["subscribe"],
	"iot:*": ["publish", "receive", "subscribe"],
};
const VARIABLES = ["${iot:Connection.Thing.ThingName}", "${iot:ClientId}"];
const ARN = /^arn:aws:iot:[^:]*:[^:]*:(topic|topicfilter)\/(.+)$/;

function fail(message: string): never {
	throw new PolicyDocumentError(message);
}

function list(v: unknown, what: string): string[] {
	const items = typeof v === "string" ? [v] : v;
	if (!Array.isArray(items) || items.length === 0 || !items.every((s) => typeof s === "string" && s !== "")) fail(`${what} must be a non-empty string or list of strings`);
	return items as string[];
}

function checkResource(r: string): void {
	if (r === "*") return;
	const m = ARN.exec(r);
	if (!m) fail(`unsupported resource ${r}: only arn:aws:iot:<region>:<account>:topic/… and …:topicfilter/… (or "*") are enforced`);
	const rest = m[2].split(/\$\{[^}]*\}/);
	const vars = m[2].match(/\$\{[^}]*\}/g) ?? [];
	for (const v of vars) if (!VARIABLES.includes(v)) fail(`unsupported policy variable ${v} in ${r} (supported: ${VARIABLES.join(", ")})`);
	if (rest.some((s) => s.includes("${"))) fail(`unterminated policy variable in ${r}`);
}

function statementOf(s: unknown, i: number): Statement {
	if (typeof s !== "object" || s === null || Array.isArray(s)) fail(`Statement[${i}] must be an object`);
	const o = s as Record<string, unknown>;
	for (const k of Object.keys(o)) if (!["Effect", "Action", "Resource", "NotResource", "Sid"].includes(k)) fail(`Statement[${i}]: ${k} is not supported`);
	if (o.Effect !== "Allow" && o.Effect !== "Deny") fail(`Statement[${i}].Effect must be Allow or Deny`);
	const actions = new Set<PolicyAction>();
	for (const a of list(o.Action, `Statement[${i}].Action`)) {
		const mapped = ACTIONS[a];
		if (!mapped) fail(`Statement[${i}]: action ${a} is not supported (supported: ${Object.keys(ACTIONS).join(", ")})`);
		for (const m of mapped) actions.add(m);
	}
	if ((o.Resource === undefined) === (o.NotResource === undefined)) fail(`Statement[${i}] needs exactly one of Resource and NotResource`);
	const not = o.NotResource !== undefined;
	const resources = list(not ? o.NotResource : o.Resource, `Statement[${i}].${not ? "NotResource" : "Resource"}`);
	for (const r of resources) checkResource(r);
	return { allow: o.Effect === "Allow", actions, resources, not };
}

/** Parses and checks a policy document (JSON text); throws PolicyDocumentError naming what is wrong. */
export function parsePolicyDocument(text: string): PolicyDocument {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		fail("policyDocument is not valid JSON");
	}
	if (typeof json !== "object" || json === null || Array.isArray(json)) fail("policyDocument must be a JSON object");
	const o = json as Record<string, unknown>;
	for (const k of Object.keys(o)) if (k !== "Version" && k !== "Statement") fail(`policyDocument: ${k} is not supported`);
	const raw = Array.isArray(o.Statement) ? o.Statement : o.Statement === undefined ? fail("policyDocument needs a Statement") : [o.Statement];
	return { statements: raw.map(statementOf) };
}

function globMatches(pattern: string, value: string): boolean {
	const re = pattern.replace(/[.+^$()|[\]\\{}]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
	return new RegExp(`^${re}$`, "s").test(value);
}

function resourceMatches(resource: string, kind: string, name: string, thing: string): boolean {
	if (resource === "*") return true;
	const m = ARN.exec(resource);
	if (!m || m[1] !== kind) return false;
	let pattern = m[2];
	for (const v of VARIABLES) pattern = pattern.split(v).join(thing);
	return globMatches(pattern, name);
}

/**
 * "deny" when a Deny statement matches, else "allow" when an Allow one does, else undefined.
 * `name` is the topic (publish, receive) or the topic filter as written (subscribe).
 */
export function evaluate(docs: PolicyDocument[], thing: string, action: PolicyAction, name: string): "allow" | "deny" | undefined {
	const kind = action === "subscribe" ? "topicfilter" : "topic";
	let allowed = false;
	for (const d of docs) {
		for (const s of d.statements) {
			if (!s.actions.has(action)) continue;
			const hit = s.resources.some((r) => resourceMatches(r, kind, name, thing));
			if (hit === s.not) continue;
			if (!s.allow) return "deny";
			allowed = true;
		}
	}
	return allowed ? "allow" : undefined;
}
