/*
 * mosquitto-conf — the files for running the cloud against an external mosquitto 2.0:
 *   <out>/mosquitto.conf          mutual TLS, identity = certificate CN, no dropped messages
 *   <out>/dynamic-security.json   the per-thing policy for mosquitto's dynamic-security plugin (mosquitto-dynsec.ts)
 *   <out>/certs/                  copies of the CA certificate, broker certificate and key (never the CA key)
 *   <out>/defender_plugin.so      with `plugin`: our plugin (plugin.ts) replaces dynamic security: identity,
 *                                 per-thing policy, cloud-side counters and revocation for every thing
 *
 * Identity: `use_identity_as_username` makes the username the certificate CN and `use_username_as_clientid`
 * replaces whatever client id the thing sent with that username, so a certificate can only ever be its own
 * client: it cannot take another thing's session over.
 * Delivery: `max_queued_messages` 10^8 (no practical count limit; 0, documented as "none", makes mosquitto
 * 2.0.11 leave an MQTT 5 client's refused QoS 1 PUBLISH unanswered; `max_queued_bytes` stays 0 = none) and
 * `queue_qos0_messages true`, so mosquitto never drops a message queued for Detect, whose session is
 * persistent (external.ts: clean=false, client id defender-detect): a Detect restart loses nothing either.
 * Users: started as root, mosquitto switches to `user` (default "mosquitto") before reading any file, so
 * when root writes the config the out dir is handed to that user (mosquitto-owner.ts).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DETECT_CLIENT_CN, detectClientName } from "../pki";
import { checkThingName } from "../thing-name";
import { dynsecConfig } from "./mosquitto-dynsec";
import { checkReachable, chownAll, ownerFor } from "./mosquitto-owner";
import { buildPlugin, pluginConfLines, type PluginOptions } from "./plugin";

export interface MosquittoConfOptions {
	port: number;
	/** the cloud's pki dir: ca.cert.pem, server.cert.pem, server.key.pem (ensureServerCertificate) */
	pkiDir: string;
	/** where mosquitto.conf, dynamic-security.json and certs/ are written */
	outDir: string;
	/** extra filters every thing may publish/subscribe; `${iot:ClientId}` becomes the thing name */
	allowTopics?: string[];
	/** the things the broker admits; default: every thing certificate in pkiDir */
	things?: string[];
	/** the system user mosquitto switches to when started as root; default "mosquitto" */
	user?: string;
	/** path of mosquitto_dynamic_security.so; default: found under /usr/lib, /usr/local/lib */
	dynsecPlugin?: string;
	/** cluster node names (docs/cloud.md "PostgreSQL"): each node's Detect client `defender-detect.<node>` gets the Detect role (stock mode) */
	detectNodes?: string[];
	/** build and load the Defender plugin (plugin.ts) instead of the ACL file: identity, policy, counters, revocation */
	plugin?: Omit<PluginOptions, "path" | "allowTopics">;
}

export interface MosquittoFiles {
	conf: string;
	/** dynamic-security.json (stock mosquitto mode) */
	dynsec?: string;
	/** the built Defender plugin (`plugin` mode) */
	plugin?: string;
	/** the things admitted by name (stock mode); empty in plugin mode, where every valid thing certificate is admitted */
	things: string[];
}

const PLUGIN = "mosquitto_dynamic_security.so";
/** queued messages per client: no practical limit (see the header) */
export const MAX_QUEUED = 100_000_000;
const NOT_THINGS = new Set(["ca", "server", DETECT_CLIENT_CN]);

/** The thing names with a certificate in `pkiDir` (`<thing>.cert.pem`, issued by pki.issueThingCertificate). */
export function thingsInPki(pkiDir: string): string[] {
	if (!existsSync(pkiDir)) return [];
	return readdirSync(pkiDir)
		.filter((f) => f.endsWith(".cert.pem"))
		.map((f) => f.slice(0, -".cert.pem".length))
		.filter((t) => !NOT_THINGS.has(t) && !t.startsWith(`${DETECT_CLIENT_CN}.`))
		.sort();
}

/** Where the dynamic-security plugin shipped with mosquitto 2.0 lives on this machine. */
export function findDynsecPlugin(roots = ["/usr/lib", "/usr/local/lib"]): string {
	for (const root of roots) {
		if (!existsSync(root)) continue;
		const dirs = [root, ...readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name))];
		for (const d of dirs) if (existsSync(join(d, PLUGIN))) return join(d, PLUGIN);
	}
	throw new Error(`${PLUGIN} not found under ${roots.join(", ")}: install mosquitto 2.0 (Debian: apt-get install mosquitto) or pass its path`);
}

interface ConfPaths {
	/** the lines that load the policy plugin (dynamic security or ours) */
	policyLines: string[];
	/** the identity lines (default: username = CN = client id) */
	identityLines?: string[];
	ca: string;
	cert: string;
	key: string;
}

/** The mosquitto.conf text for a mutual-TLS listener on 127.0.0.1:`port`. */
export function mosquittoConf(port: number, user: string, p: ConfPaths): string {
	return [
		"# generated by `npm run cloud -- mosquitto-conf`: mutual TLS, identity = certificate CN = client id",
		`user ${user}`,
		"per_listener_settings false",
		"allow_anonymous false",
		...p.policyLines,
		"persistence false",
		"# never drop a message queued for a client (Detect's persistent session above all); not 0 (\"no limit\"):",
		"# mosquitto 2.0.11 then stops answering an MQTT 5 client's refused QoS 1 PUBLISH",
		`max_queued_messages ${MAX_QUEUED}`,
		"max_queued_bytes 0",
		"queue_qos0_messages true",
		"log_dest stderr",
		"log_type error",
		"log_type warning",
		`listener ${port} 127.0.0.1`,
		`cafile ${p.ca}`,
		`certfile ${p.cert}`,
		`keyfile ${p.key}`,
		"tls_version tlsv1.2",
		"require_certificate true",
		// stock mode: the username is the CN and replaces the client id; plugin mode: the plugin checks client id = CN
		// itself (with use_identity_as_username mosquitto would skip the plugin's CONNECT check)
		...(p.identityLines ?? ["use_identity_as_username true", "use_username_as_clientid true"]),
		"",
	].join("\n");
}

/** Writes the files into `outDir`; returns their absolute paths and the things admitted. */
export function writeMosquittoConf(o: MosquittoConfOptions): MosquittoFiles {
	if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new Error(`port must be 1..65535, got ${o.port}`);
	const user = o.user ?? "mosquitto";
	if (!/^[A-Za-z0-9._-]+$/.test(user)) throw new Error(`--user must be a system user name, got "${user}"`);
	const owner = ownerFor(user);
	const pki = resolve(o.pkiDir);
	const out = resolve(o.outDir);
	for (const t of o.things ?? []) {
		const problem = checkThingName(t) ?? (t === DETECT_CLIENT_CN ? `"${t}" is the cloud's Detect client, not a thing` : undefined);
		if (problem) throw new Error(problem);
	}
	mkdirSync(join(out, "certs"), { recursive: true, mode: 0o700 });
	if (owner) checkReachable(out, owner);
	const certs = { ca: join(out, "certs", "ca.cert.pem"), cert: join(out, "certs", "server.cert.pem"), key: join(out, "certs", "server.key.pem") };
	copyFileSync(join(pki, "ca.cert.pem"), certs.ca);
	copyFileSync(join(pki, "server.cert.pem"), certs.cert);
	copyFileSync(join(pki, "server.key.pem"), certs.key);
	chmodSync(certs.key, 0o600);
	const policy = o.plugin ? pluginPolicy(o, out) : dynsecPolicy(o, pki, out);
	const conf = join(out, "mosquitto.conf");
	writeFileSync(conf, mosquittoConf(o.port, user, { ...certs, policyLines: policy.lines, identityLines: policy.identityLines }));
	if (owner) chownAll([out, join(out, "certs"), certs.ca, certs.cert, certs.key, conf, ...policy.owned], owner);
	return { conf, things: policy.things, ...(policy.dynsec ? { dynsec: policy.dynsec } : {}), ...(policy.plugin ? { plugin: policy.plugin } : {}) };
}

interface PolicyFiles {
	lines: string[];
	identityLines?: string[];
	owned: string[];
	things: string[];
	dynsec?: string;
	plugin?: string;
}

/** Stock mosquitto: the per-thing policy as dynamic-security roles, one client per admitted thing. */
function dynsecPolicy(o: MosquittoConfOptions, pki: string, out: string): PolicyFiles {
	const things = o.things ?? thingsInPki(pki);
	const dynsec = join(out, "dynamic-security.json");
	writeFileSync(dynsec, JSON.stringify(dynsecConfig(things, o.allowTopics, (o.detectNodes ?? []).map(detectClientName)), null, "\t") + "\n", { mode: 0o600 });
	return { lines: [`plugin ${o.dynsecPlugin ?? findDynsecPlugin()}`, `plugin_opt_config_file ${dynsec}`], owned: [dynsec], things, dynsec };
}

/** The Defender plugin (plugin.ts): identity, policy, counters and revocation for every thing certificate. */
function pluginPolicy(o: MosquittoConfOptions, out: string): PolicyFiles {
	if (o.things) throw new Error("things: the Defender plugin admits every valid thing certificate; a list of things is for the stock mode");
	const plugin = buildPlugin(out);
	const lines = pluginConfLines({ ...(o.plugin ?? {}), path: plugin, allowTopics: o.allowTopics });
	return { lines, identityLines: [], owned: [plugin], things: [], plugin };
}
