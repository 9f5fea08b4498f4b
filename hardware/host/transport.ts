/*
 * transport — the Node host Transport (modules/mqtt/transport.ts) over TCP + TLS.
 *
 * Mutual TLS by default: the server is always verified against the configured CA
 * (rejectUnauthorized is forced on), the client presents its certificate and key, SNI is the
 * host name (or `servername`), ALPN is optional (["x-amzn-mqtt-ca"] for AWS IoT on port 443).
 * TLS 1.2 at most by default, like Moddable's TLS on the device. Plain TCP only with
 * `insecure: true` (local development). With a `driver`, the raw socket is registered and wrapped
 * in the counting layer under TLS, so the driver counts wire bytes.
 *
 *   const open = hostTransport({ host: "127.0.0.1", port, ca, cert, key, driver });
 *   new MqttClient({ ..., openTransport: open });
 */
import { connect as netConnect, isIP } from "node:net";
import type { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { SecureVersion } from "node:tls";
import type { Duplex } from "node:stream";
import type { OpenTransport, Transport, TransportHandlers } from "../../modules/mqtt/transport";
import { CountingStream, packetsFor } from "./counting";
import type { CountSink } from "./counting";
import type { HostNetDriver } from "./netdriver";

export interface HostTransportOptions {
	host: string;
	port: number;
	/** PEM: CA certificate(s) the server must chain to. Required unless insecure. */
	ca?: string | Buffer;
	/** PEM: client certificate and private key. Required unless insecure. */
	cert?: string | Buffer;
	key?: string | Buffer;
	/** SNI and certificate name check; default the host when it is a name (no SNI for an IP literal). */
	servername?: string;
	/** ALPN protocol names, e.g. ["x-amzn-mqtt-ca"]. */
	alpn?: string[];
	/** Highest TLS version (default "TLSv1.2", as on the device). */
	maxVersion?: SecureVersion;
	/** Plain TCP, no TLS: local development only. */
	insecure?: boolean;
	/** Counts wire bytes and lists the connection. */
	driver?: HostNetDriver;
}

/** Error thrown at configuration time for missing TLS material. */
export class TransportConfigError extends Error {
	readonly code = "BAD_TRANSPORT_CONFIG";
}

/** Checks options once and returns the factory the MQTT client calls per connection attempt. */
export function hostTransport(options: HostTransportOptions): OpenTransport {
	if (!options.insecure && !(options.ca && options.cert && options.key)) {
		throw new TransportConfigError("host transport: ca, cert and key are required for mutual TLS (or set insecure: true for plain TCP)");
	}
	return (handlers) => openHostTransport(handlers, options);
}

export function openHostTransport(handlers: TransportHandlers, o: HostTransportOptions): Transport {
	const raw = netConnect({ host: o.host, port: o.port });
	raw.setNoDelay(true);
	o.driver?.trackSocket(raw);
	if (o.insecure) return new HostTransport(raw, raw, handlers, "connect", o.host, o.driver);
	const wire: Duplex = o.driver ? new CountingStream(raw, o.driver) : raw;
	return new HostTransport(secure(wire, o), raw, handlers, "secureConnect", o.servername ?? o.host);
}

function secure(wire: Duplex, o: HostTransportOptions): Socket {
	return tlsConnect({
		socket: wire,
		host: o.host,
		servername: o.servername ?? (isIP(o.host) ? undefined : o.host),
		ca: o.ca,
		cert: o.cert,
		key: o.key,
		ALPNProtocols: o.alpn,
		minVersion: "TLSv1.2",
		maxVersion: o.maxVersion ?? "TLSv1.2",
		rejectUnauthorized: true,
	});
}

class HostTransport implements Transport {
	readonly #socket: Socket;
	readonly #raw: Socket;
	/** Counts here only for plain TCP, where the socket's own bytes are the wire bytes. */
	readonly #count: CountSink | undefined;
	#done = false;

	constructor(socket: Socket, raw: Socket, h: TransportHandlers, openEvent: string, host: string, count?: CountSink) {
		this.#socket = socket;
		this.#raw = raw;
		this.#count = count;
		let open = false;
		socket.once(openEvent, () => {
			open = true;
			if (!this.#done) h.onOpen();
		});
		socket.on("data", (b: Buffer) => {
			count?.countIn(b.length, packetsFor(b.length));
			if (!this.#done) h.onData(b);
		});
		socket.on("drain", () => this.#done || h.onWritable());
		const fail = (e: Error & { code?: string; reason?: string }) => this.#end(() => h.onError(describe(e, host, !open && openEvent === "secureConnect")));
		socket.on("error", fail);
		raw.on("error", fail);
		socket.on("close", () => this.#end(() => h.onClose()));
	}

	#end(report: () => void): void {
		if (this.#done) return;
		this.#done = true;
		report();
		this.#socket.destroy();
	}

	write(bytes: Uint8Array): number {
		if (this.#done || this.#socket.destroyed) return -1;
		if (this.#socket.writableNeedDrain) return 0;
		this.#count?.countOut(bytes.length, packetsFor(bytes.length));
		this.#socket.write(Buffer.from(bytes));
		return bytes.length;
	}

	close(): void {
		if (this.#done) return;
		this.#done = true;
		this.#socket.end();
		setTimeout(() => {
			this.#socket.destroy();
			this.#raw.destroy();
		}, 1000).unref();
	}
}

/** OpenSSL verification codes of a server certificate the configured CA does not vouch for. */
const FOREIGN = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_SIGNATURE_FAILURE", "CERT_UNTRUSTED", "CERT_REJECTED"]);

/** What a verification code means for the device, in words; undefined for other errors. */
function certificateProblem(code: string | undefined, host: string): string | undefined {
	if (code === "CERT_HAS_EXPIRED") return "server certificate expired";
	if (code === "CERT_NOT_YET_VALID") return "server certificate not yet valid (or the device clock is behind)";
	if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `server certificate not issued for ${host}`;
	if (code !== undefined && FOREIGN.has(code)) return "server certificate not signed by the configured CA";
	if (code === "INVALID_PURPOSE") return "server certificate not usable by a TLS server (key usage)";
	return undefined;
}

/**
 * "what is wrong (CODE: short reason)" for a server certificate Node refused, otherwise "CODE:
 * short reason" from a socket/TLS error (OpenSSL's multi-line text cut to its reason).
 */
function describe(e: Error & { code?: string; reason?: string }, host: string, handshaking: boolean): string {
	const why = e.reason ?? e.message.split("\n")[0];
	const detail = e.code ? `${e.code}: ${why}` : why;
	const hungUp = handshaking && (e.code === "ECONNRESET" || /alert/.test(why));
	const problem = hungUp ? "the broker ended the TLS handshake: it refused the device certificate (not signed by a CA it trusts, not registered or not active)" : certificateProblem(e.code, host);
	return problem === undefined ? detail : `${problem} (${detail})`;
}
