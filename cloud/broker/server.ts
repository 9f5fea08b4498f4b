/*
 * server — the IoT Core-like broker: aedes behind a mutual-TLS server on 127.0.0.1. Identity is the client id
 * (a thing name): it must equal the certificate's CN (else CONNACK 2, identifier rejected) or be a thing the
 * certificate is attached to in the registry (`identity`, identity.ts); a registered certificate that is not
 * ACTIVE is refused, and disconnectCertificate() cuts off its live connections.
 * Topic authorization is TopicPolicy: a denied SUBSCRIBE gets SUBACK 0x80, a denied PUBLISH is dropped and
 * the connection closed (AWS IoT Core closes MQTT 3.1.1 connections on unauthorized publishes).
 * The hooks live in authorize.ts; every byte from a client passes a PacketGate (guarded-connection.ts) first;
 * admission.ts bounds unauthenticated connections; limits.ts holds the limits (docs/cloud.md, "Limits").
 * Every broker event a Detect metric needs is handed to BrokerHooks.
 */
import { Aedes, type Client } from "aedes";
import type { AddressInfo, Socket } from "node:net";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { Admission, CountingLog } from "./admission";
import { installAuthorization } from "./authorize";
import { GuardedConnection } from "./guarded-connection";
import { CertificateSessions, type CertificateIdentity } from "./identity";
import { resolveLimits, type BrokerLimits } from "./limits";
import { flattenQueue } from "./flat-queue";
import type { TopicPolicy } from "./policy";
import type { ReportAudit } from "./report-audit";

export interface BrokerHooks {
	connectAttempt(thing: string): void;
	connected(thing: string, ip: string): void;
	disconnected(thing: string): void;
	/** `topic`: the refused publish/subscribe/delivery topic, when there is one (dimension-scoped counting) */
	authorizationFailure(thing: string, reason: string, topic?: string): void;
	/** an authorized PUBLISH from a device */
	fromDevice(thing: string, topic: string, payload: Buffer): void;
	/** one message delivered to a device, on `topic` */
	toDevice(thing: string, topic?: string): void;
	/** a message on a reserved report topic, seen by Detect as a subscriber of an external broker */
	report(topic: string, payload: Buffer): void;
}

export interface BrokerOptions {
	host: string;
	port: number;
	key: string;
	cert: string;
	ca: string;
	policy: TopicPolicy;
	hooks: BrokerHooks;
	log: (s: string) => void;
	/** monotonic ms for the publish-rate window (the cloud's clock; default performance.now) */
	ticks?: () => number;
	/** limits and refusals; defaults from LIMITS (limits.ts) */
	limits?: Partial<BrokerLimits>;
	/** the certificate registry asked at CONNECT (identity.ts); without it only CN = client id connects */
	identity?: CertificateIdentity;
}

export interface Broker {
	port: number;
	/** true when the broker reports per-client events (the cloud-side metrics); false for an external broker */
	cloudSideMetrics: boolean;
	publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
	connectedThings(): string[];
	close(): Promise<void>;
	/** reports delivered to / evaluated by Detect (external broker only; see broker/report-audit.ts) */
	reportAudit?(): ReportAudit;
	/** closes every live connection of a certificate (id = SHA-256 of its DER) at once; returns how many (embedded broker only) */
	disconnectCertificate?(certificateId: string, reason: string): number;
}

function installEvents(aedes: Aedes, o: BrokerOptions, things: Map<string, Client>): void {
	aedes.on("client", (client) => {
		things.set(client.id, client);
		o.hooks.connected(client.id, (client.conn as unknown as GuardedConnection).remoteAddress);
	});
	aedes.on("clientDisconnect", (client) => {
		if (things.get(client.id) === client) things.delete(client.id);
		o.hooks.disconnected(client.id);
	});
	aedes.on("clientError", (client, err) => o.log(`broker: ${client.id}: ${err.message}`));
	aedes.on("connectionError", (_client, err) => o.log(`broker: connection refused: ${err.message}`));
}

function guard(socket: TLSSocket, limits: BrokerLimits, o: BrokerOptions): GuardedConnection {
	return new GuardedConnection(socket, limits, o.ticks ?? (() => performance.now()), {
		refused: (conn, reason) => {
			const client = (conn as unknown as { client?: Client }).client;
			const who = client?.id ?? conn.remoteAddress;
			o.log(`broker: ${who}: connection closed: ${reason}`);
			if (client?.connected) o.hooks.authorizationFailure(client.id, reason);
		},
		throttled: (conn, dropped) => {
			const client = (conn as unknown as { client?: Client }).client;
			o.log(`broker: ${client?.id ?? conn.remoteAddress}: over ${limits.maxPublishesPerSecond} publishes/s, ${dropped} dropped in this second`);
		},
	});
}

/** Starts the broker; resolves once it listens. */
export async function startBroker(o: BrokerOptions): Promise<Broker> {
	const aedes = await Aedes.createBroker({ maxClientsIdLength: 128, heartbeatInterval: 3_600_000 });
	flattenQueue(aedes); // a burst of reports would otherwise unwind aedes' queue recursively (issue 16)
	const things = new Map<string, Client>();
	const limits = resolveLimits(o.limits);
	const admission = new Admission(limits.maxPreAuthPerAddress, o.log);
	const sessions = new CertificateSessions<Client>();
	installAuthorization(aedes, { policy: o.policy, hooks: o.hooks, limits, admission, identity: o.identity, sessions, log: o.log });
	installEvents(aedes, o, things);
	const server: Server = createServer(
		{ key: o.key, cert: o.cert, ca: o.ca, requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2", handshakeTimeout: limits.handshakeTimeoutMs },
		(socket: TLSSocket) => aedes.handle(guard(socket, limits, o)),
	);
	const sockets = new Set<Socket>();
	server.on("connection", (raw: Socket) => {
		// MQTT is small request/response packets: no Nagle delay (it would hold an echo or a reply until the peer's delayed ACK)
		raw.setNoDelay(true);
		sockets.add(raw);
		raw.once("close", () => sockets.delete(raw));
		admission.admit(raw);
	});
	const tlsRefusals = new CountingLog(o.log);
	server.on("tlsClientError", (err, socket) => {
		tlsRefusals.event(err.message, `broker: TLS handshake refused: ${err.message}`);
		socket.destroy();
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(o.port, o.host, () => resolve());
	});
	return {
		port: (server.address() as AddressInfo).port,
		cloudSideMetrics: true,
		publish: (topic, payload, qos) =>
			new Promise<void>((resolve, reject) => aedes.publish({ cmd: "publish", topic, payload, qos, retain: false, dup: false }, (e) => (e ? reject(e) : resolve()))),
		connectedThings: () => [...things.keys()],
		disconnectCertificate: (certificateId, reason) => {
			const clients = sessions.clients(certificateId);
			for (const c of clients) {
				o.log(`broker: ${c.id}: disconnected: ${reason}`);
				c.close();
			}
			return clients.length;
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const c of things.values()) c.close();
				server.close(() => aedes.close(() => resolve()));
				for (const raw of sockets) raw.destroy();
			}),
	};
}
