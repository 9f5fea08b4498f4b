/*
 * mqtt-aedes — an aedes broker behind tls.createServer with requestCert (mutual TLS) on
 * 127.0.0.1, an ephemeral port, restartable on the same port with a fresh broker.
 */
import { createServer } from "node:tls";
import type { Server, TLSSocket } from "node:tls";
import { Aedes } from "aedes";
import type { TestPki } from "./certs";

export interface AedesBroker {
	port: number;
	stop(): Promise<void>;
	restart(): Promise<void>;
}

export async function startAedes(pki: TestPki): Promise<AedesBroker> {
	let broker: Aedes;
	let server: Server;
	const sockets = new Set<TLSSocket>();
	let port = 0;
	const launch = async () => {
		broker = await Aedes.createBroker();
		server = createServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true }, (s) => {
			sockets.add(s);
			s.once("close", () => sockets.delete(s));
			broker.handle(s);
		});
		await new Promise<void>((resolve, reject) => {
			server.once("error", reject);
			server.listen(port, "127.0.0.1", () => resolve());
		});
		const a = server.address();
		port = typeof a === "object" && a ? a.port : 0;
	};
	const stop = async () => {
		for (const s of sockets) s.destroy();
		await new Promise<void>((r) => server.close(() => r()));
		await new Promise<void>((r) => broker.close(() => r()));
	};
	await launch();
	return {
		get port() {
			return port;
		},
		stop,
		async restart() {
			await stop();
			await launch();
		},
	};
}
