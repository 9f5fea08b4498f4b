/*
 * mosquitto-dynsec — the per-thing policy as the configuration of mosquitto 2.0's dynamic-security plugin
 * (mosquitto_dynamic_security.so, shipped with mosquitto). The plugin is used rather than an acl_file
 * because mosquitto 2.0's acl_file grants every SUBSCRIBE (it checks only read/write at delivery) and
 * grants read and write together, so it cannot say "publish the report but not subscribe to it" or
 * "read the reply but not publish it". The plugin has separate ACL types: subscribeLiteral/Pattern,
 * publishClientSend (thing → broker), publishClientReceive (broker → thing).
 *
 * mosquitto 2.0.x substitutes no %u in plugin ACLs, so each thing is one plugin client (username = its
 * certificate CN, no password: the certificate authenticates) with its own role. A username the plugin
 * does not know gets nothing (default access all false, no acl_file behind it): fail closed.
 */
import { DETECT_CLIENT_CN } from "../pki";
import { replyTopic, reportTopic } from "../reports/topics";

const FORMATS = ["json", "cbor"] as const;
const KINDS = ["accepted", "rejected"] as const;

interface Acl {
	acltype: "subscribeLiteral" | "subscribePattern" | "publishClientSend" | "publishClientReceive";
	topic: string;
	priority: number;
	allow: boolean;
}

interface Role {
	rolename: string;
	textname: string;
	acls: Acl[];
}

export interface DynsecConfig {
	defaultACLAccess: Record<"publishClientSend" | "publishClientReceive" | "subscribe" | "unsubscribe", boolean>;
	clients: { username: string; textname: string; roles: { rolename: string; priority: number }[] }[];
	groups: never[];
	roles: Role[];
}

/** Denials are checked before grants inside a role (higher priority first). */
const DENY = 10;
const GRANT = 0;

/**
 * Every subscription filter under `$aws/things/<thing>/` that matches `topic` (one of that thing's report
 * topics): each remaining level literal or `+`, or a `#` at any point (`a/#` also matches `a`). The plugin
 * compares these literally with the filter a thing sends, so the list is exact, not a wildcard guess.
 */
export function filtersMatching(thing: string, topic: string): string[] {
	const prefix = `$aws/things/${thing}/`;
	if (!topic.startsWith(prefix)) throw new Error(`${topic} is not under ${prefix}`);
	const levels = topic.slice(prefix.length).split("/");
	let heads = [""];
	const out: string[] = [];
	for (const level of levels) {
		out.push(...heads.map((h) => `${prefix}${h}#`));
		heads = heads.flatMap((h) => [`${h}${level}/`, `${h}+/`]);
	}
	for (const h of heads) out.push(`${prefix}${h.slice(0, -1)}`, `${prefix}${h}#`);
	return out;
}

function acl(acltype: Acl["acltype"], topic: string, allow: boolean): Acl {
	return { acltype, topic, priority: allow ? GRANT : DENY, allow };
}

function checkFilter(filter: string): string {
	if (/[\u0000\r\n]/.test(filter) || filter === "") throw new Error(`allowed topic "${filter}" cannot be an MQTT topic filter`);
	return filter;
}

/** A thing's role: own prefix and the allowed filters, minus subscribing to its report topics and publishing replies. */
export function thingRole(thing: string, allowTopics: string[] = []): Role {
	const grants = [`$aws/things/${thing}/#`, ...allowTopics.map((f) => checkFilter(f).split("${iot:ClientId}").join(thing))];
	const reports = FORMATS.map((f) => reportTopic(thing, f));
	const noSubscribe = [...new Set(reports.flatMap((t) => filtersMatching(thing, t)))];
	const replies = FORMATS.flatMap((f) => KINDS.map((k) => replyTopic(thing, f, k)));
	return {
		rolename: `thing:${thing}`,
		textname: `Device Defender thing ${thing}`,
		acls: [
			...noSubscribe.map((t) => acl("subscribeLiteral", t, false)),
			...replies.map((t) => acl("publishClientSend", t, false)),
			...reports.map((t) => acl("publishClientReceive", t, false)),
			...grants.flatMap((t) => [acl("subscribePattern", t, true), acl("publishClientSend", t, true), acl("publishClientReceive", t, true)]),
		],
	};
}

/** The cloud's Detect client: reads every report, publishes every reply, nothing else. */
export function detectRole(): Role {
	return {
		rolename: DETECT_CLIENT_CN,
		textname: "the cloud's Detect service",
		acls: [
			acl("subscribePattern", "$aws/things/+/defender/metrics/+", true),
			...FORMATS.map((f) => acl("publishClientReceive", reportTopic("+", f), true)),
			...FORMATS.flatMap((f) => KINDS.map((k) => acl("publishClientSend", replyTopic("+", f, k), true))),
		],
	};
}

/** The plugin's configuration file for the Detect client and `things`. */
export function dynsecConfig(things: string[], allowTopics: string[] = [], detectNodes: string[] = []): DynsecConfig {
	const roles = [detectRole(), ...things.map((t) => thingRole(t, allowTopics))];
	return {
		defaultACLAccess: { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true },
		clients: [
			...roles.map((r, i) => ({ username: i === 0 ? DETECT_CLIENT_CN : things[i - 1], textname: r.textname, roles: [{ rolename: r.rolename, priority: 0 }] })),
			// cluster nodes' Detect clients (defender-detect.<node>) share the Detect role
			...detectNodes.map((username) => ({ username, textname: `Detect node ${username}`, roles: [{ rolename: DETECT_CLIENT_CN, priority: 0 }] })),
		],
		groups: [],
		roles,
	};
}
