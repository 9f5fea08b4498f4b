/*
 * authorize — the aedes hooks that decide who may connect, publish, subscribe and receive:
 * - CONNECT: the client id must be a thing name equal to the certificate CN, or one the certificate is
 *   attached to in the registry, and a registered certificate must be ACTIVE (identity.ts; else CONNACK 5 or 2);
 *   until the CONNECT is accepted the GuardedConnection holds every later packet (nothing is authorized,
 *   counted or evaluated for a refused connection), and these hooks refuse any client not accepted;
 * - PUBLISH: topic rules, payload size, no retain on `$aws/`, the TopicPolicy, the retained-store caps;
 *   a refusal is counted as an authorization failure and closes the connection (AWS, MQTT 3.1.1);
 * - SUBSCRIBE: topic rules, the TopicPolicy, at most maxSubscriptionsPerConnection; a refusal is SUBACK 0x80;
 * - delivery (authorizeForward, live or from a restored session's queue): the thing must be allowed to
 *   subscribe to the message's topic, else the message is not delivered and the refusal is counted;
 * - the session store keeps only granted filters (a refused filter is never stored);
 * - a PUBLISH denied by a thing-group policy (cloud/policies) is dropped instead: counted as an authorization
 *   failure, acknowledged, routed to the unsubscribable DROPPED topic, and the connection stays (quarantine).
 */
import type { Aedes, AuthenticateError, Client } from "aedes";
import type { Admission } from "./admission";
import type { GuardedConnection } from "./guarded-connection";
import { decideIdentity, peerCertificateId, type CertificateIdentity, type CertificateSessions } from "./identity";
import type { BrokerLimits } from "./limits";
import type { TopicPolicy } from "./policy";
import { RetainedBudget } from "./retained";
import type { BrokerHooks } from "./server";
import { topicProblem } from "./topic-rules";

export interface AuthorizationDeps {
	policy: TopicPolicy;
	hooks: BrokerHooks;
	limits: BrokerLimits;
	admission: Admission;
	/** the certificate registry (status, attachments); without it only CN = client id connects */
	identity?: CertificateIdentity;
	/** accepted connections by certificate id */
	sessions: CertificateSessions<Client>;
	log: (s: string) => void;
}

function guarded(client: Client): GuardedConnection {
	return client.conn as unknown as GuardedConnection;
}

export function certificateCn(client: Client): string | undefined {
	const cn = guarded(client).tls.getPeerCertificate()?.subject?.CN as string | string[] | undefined;
	return Array.isArray(cn) ? cn[0] : cn;
}

function authError(message: string, returnCode: number): AuthenticateError {
	return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Where a publish denied by a thing-group policy goes: no one may subscribe to it, nothing is delivered or counted. */
const DROPPED = "$dropped/";

interface Persistence {
	addSubscriptions(client: Client, subs: { topic: string }[]): Promise<void>;
}

export function installAuthorization(aedes: Aedes, d: AuthorizationDeps): void {
	const accepted = new WeakSet<Client>();
	const granted = new WeakMap<Client, Set<string>>();
	const retained = new RetainedBudget(d.limits.maxRetainedMessages, d.limits.maxRetainedBytes);
	const refuse = (client: Client, reason: string, topic?: string): string => {
		d.hooks.authorizationFailure(client.id, reason, topic);
		return reason;
	};

	aedes.authenticate = (client, _user, _pass, done) => {
		const conn = guarded(client);
		const certId = peerCertificateId(conn.tls);
		const verdict = decideIdentity(client.id, certificateCn(client), certId, d.identity);
		if ("refused" in verdict) {
			conn.refuseConnect();
			if (verdict.blame !== undefined) {
				d.hooks.connectAttempt(verdict.blame);
				d.hooks.authorizationFailure(verdict.blame, verdict.refused);
			} else d.log(`broker: ${client.id}: connection refused: ${verdict.refused}`);
			return done(authError(verdict.refused, verdict.returnCode), false);
		}
		d.hooks.connectAttempt(verdict.thing);
		if (certId !== undefined) conn.tls.once("close", d.sessions.add(certId, client));
		accepted.add(client);
		granted.set(client, new Set());
		d.admission.authenticated(conn.tls.remoteAddress, conn.tls.remotePort);
		done(null, true);
		conn.accept();
	};

	const publishProblem = (client: Client, topic: string, payload: Buffer | string, retain: boolean): string | { dropped: string } | undefined => {
		const bad = topicProblem(topic, d.limits);
		if (bad) return `publish refused: ${bad}`;
		const bytes = Buffer.byteLength(payload);
		if (bytes > d.limits.maxPayloadBytes) return `publish to ${topic} refused: payload of ${bytes} bytes is over the limit of ${d.limits.maxPayloadBytes}`;
		if (retain && topic.startsWith("$aws/")) return `publish to ${topic} refused: retained messages are not allowed on reserved $aws/ topics`;
		const p = d.policy.publish(client.id, topic);
		if (!p.allowed) return p.drop ? { dropped: p.reason } : p.reason;
		return retain ? retained.admit(topic, bytes) : undefined;
	};

	aedes.authorizePublish = (client, packet, done) => {
		if (!client) return done(null);
		if (!accepted.has(client)) return done(new Error("publish before an accepted CONNECT"));
		const problem = publishProblem(client, packet.topic, packet.payload, packet.retain);
		if (problem === undefined) return done(null);
		if (typeof problem === "string") return done(new Error(refuse(client, problem, packet.topic)));
		refuse(client, problem.dropped, packet.topic);
		Object.assign(packet, { topic: DROPPED + client.id, retain: false });
		done(null);
	};

	const subscribeProblem = (client: Client, filter: string): string | undefined => {
		const bad = topicProblem(filter, d.limits);
		if (bad) return `subscribe to ${JSON.stringify(filter)} refused: ${bad}`;
		const p = d.policy.subscribe(client.id, filter);
		if (!p.allowed) return p.reason;
		const mine = granted.get(client);
		if (!mine) return "subscribe before an accepted CONNECT";
		if (!mine.has(filter) && mine.size >= d.limits.maxSubscriptionsPerConnection) {
			return `subscribe to ${filter} refused: ${mine.size} subscriptions is the limit per connection`;
		}
		mine.add(filter);
		return undefined;
	};

	aedes.authorizeSubscribe = (client, sub, done) => {
		if (!accepted.has(client)) return done(null, null);
		const problem = subscribeProblem(client, sub.topic);
		if (problem === undefined) return done(null, sub);
		refuse(client, problem, sub.topic);
		done(null, null);
	};

	aedes.on("unsubscribe", (filters, client) => {
		const mine = granted.get(client);
		for (const f of filters) mine?.delete(f);
	});

	aedes.authorizeForward = (client, packet) => {
		if (!accepted.has(client) || packet.topic.startsWith(DROPPED)) return null;
		const p = d.policy.receive(client.id, packet.topic);
		if (!p.allowed) {
			refuse(client, `delivery of ${packet.topic} to ${client.id} refused: ${p.reason}`, packet.topic);
			return null;
		}
		d.hooks.toDevice(client.id, packet.topic);
		return packet;
	};

	aedes.published = (packet, client, done) => {
		if (client && accepted.has(client) && !packet.topic.startsWith(DROPPED)) d.hooks.fromDevice(client.id, packet.topic, Buffer.from(packet.payload as Buffer));
		done(null);
	};

	const persistence = (aedes as unknown as { persistence: Persistence }).persistence;
	const add = persistence.addSubscriptions.bind(persistence);
	persistence.addSubscriptions = (client, subs) => add(client, subs.filter((s) => granted.get(client)?.has(s.topic) === true));
}
