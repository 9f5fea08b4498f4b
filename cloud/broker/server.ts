/*
 * server — the IoT Core-like broker: aedes behind a mutual-TLS server on 127.0.0.1. Identity is the client
 * certificate's CN (= thing name); the MQTT client id must equal it (else CONNACK 2, identifier rejected).
 * Topic authorization is TopicPolicy: a denied SUBSCRIBE gets SUBACK 0x80, a denied PUBLISH is dropped and
 * the connection closed (AWS IoT Core closes MQTT 3.1.1 connections on unauthorized publishes).
 * Every broker event a Detect metric needs is handed to BrokerHooks.
 */
import { Aedes, type AuthenticateError, type Client } from "aedes";
import type { AddressInfo, Socket } from "node:net";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { checkThingName } from "../thing-name";
import { flattenQueue } from "./flat-queue";
import type { TopicPolicy } from "./policy";

export interface BrokerHooks {
	connectAttempt(thing: string): void;
	connected(thing: string, ip: string): void;
	disconnected(thing: string): void;
	authorizationFailure(thing: string, reason: string): void;
	/** an authorized PUBLISH from a device */
	fromDevice(thing: string, topic: string, payload: Buffer): void;
	/** one message delivered to a device */
	toDevice(thing: string): void;
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
}

export interface Broker {
	port: number;
	/** true when the broker reports per-client events (the cloud-side metrics); false for an external broker */
	cloudSideMetrics: boolean;
	publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
	connectedThings(): string[];
	close(): Promise<void>;
}

function certificateCn(client: Client): string | undefined {
	const socket = client.conn as TLSSocket;
	const cn = socket.getPeerCertificate?.()?.subject?.CN as string | string[] | undefined;
	return Array.isArray(cn) ? cn[0] : cn;
}

function authError(message: string, returnCode: number): AuthenticateError {
	return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

function installHooks(aedes: Aedes, o: BrokerOptions): void {
	const { policy, hooks } = o;
	aedes.authenticate = (client, _user, _pass, done) => {
		const cn = certificateCn(client);
		if (cn === undefined || checkThingName(cn)) return done(authError("certificate has no usable CN", 5), false);
		hooks.connectAttempt(cn);
		if (client.id !== cn) {
			hooks.authorizationFailure(cn, `client id ${client.id} does not match certificate CN ${cn}`);
			return done(authError(`client id must equal the thing name ${cn}`, 2), false);
		}
		done(null, true);
	};
	aedes.authorizePublish = (client, packet, done) => {
		if (!client) return done(null);
		const d = policy.publish(client.id, packet.topic);
		if (d.allowed) return done(null);
		hooks.authorizationFailure(client.id, d.reason);
		done(new Error(d.reason));
	};
	aedes.authorizeSubscribe = (client, sub, done) => {
		const d = policy.subscribe(client.id, sub.topic);
		if (d.allowed) return done(null, sub);
		hooks.authorizationFailure(client.id, d.reason);
		done(null, null);
	};
	aedes.authorizeForward = (client, packet) => {
		hooks.toDevice(client.id);
		return packet;
	};
	aedes.published = (packet, client, done) => {
		if (client) hooks.fromDevice(client.id, packet.topic, Buffer.from(packet.payload as Buffer));
		done(null);
	};
}

function installEvents(aedes: Aedes, o: BrokerOptions, things: Map<string, Client>): void {
	aedes.on("client", (client) => {
		things.set(client.id, client);
		const socket = client.conn as TLSSocket;
		o.hooks.connected(client.id, (socket.remoteAddress ?? "").replace(/^::ffff:/, ""));
	});
	aedes.on("clientDisconnect", (client) => {
		if (things.get(client.id) === client) things.delete(client.id);
		o.hooks.disconnected(client.id);
	});
	aedes.on("clientError", (client, err) => o.log(`broker: ${client.id}: ${err.message}`));
	aedes.on("connectionError", (_client, err) => o.log(`broker: connection refused: ${err.message}`));
}

/** Starts the broker; resolves once it listens. */
export async function startBroker(o: BrokerOptions): Promise<Broker> {
	const aedes = await Aedes.createBroker({ maxClientsIdLength: 128, heartbeatInterval: 3_600_000 });
	flattenQueue(aedes); // a burst of reports would otherwise unwind aedes' queue recursively (issue 16)
	const things = new Map<string, Client>();
	installHooks(aedes, o);
	installEvents(aedes, o, things);
	const server: Server = createServer(
		{ key: o.key, cert: o.cert, ca: o.ca, requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2" },
		(socket) => aedes.handle(socket),
	);
	// MQTT is small request/response packets: no Nagle delay (it would hold an echo or a reply until the peer's delayed ACK)
	server.on("connection", (raw: Socket) => raw.setNoDelay(true));
	server.on("tlsClientError", (err) => o.log(`broker: TLS handshake refused: ${err.message}`));
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
		close: () =>
			new Promise<void>((resolve) => {
				for (const c of things.values()) c.close();
				server.close(() => aedes.close(() => resolve()));
			}),
	};
}
