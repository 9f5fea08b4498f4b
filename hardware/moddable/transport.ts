/*
 * transport — the MQTT Transport (modules/mqtt/transport.ts) over Moddable's ECMA-419 TLS socket
 * (examples/io/tcp/tlssocket) on a counting TCP socket (./counting), so the driver sees wire bytes.
 *
 * TLS 1.2, server certificate always verified against the configured CA, RSA client key in
 * PKCS#8 DER. onOpen is the TLS socket's first onWritable (handshake done). Writes are sized
 * against the socket's writable budget, less a TLS record's overhead, because a TCP write that
 * does not fit throws after the TLS record sequence number has advanced; what does not fit is
 * refused (write returns fewer bytes) and offered again after onWritable.
 */
import TLSSocket from "embedded:io/socket/tcp/tls";
import type { OpenTransport, Transport, TransportHandlers } from "../../modules/mqtt/transport";
import { countingTcp } from "./counting";
import type { CountingTcpClass } from "./counting";
import type { SocketMeter } from "./meter";

export interface TlsSettings {
	/** IPv4 address to connect to (resolved by the caller). */
	address: string;
	port: number;
	/** Server name for SNI and certificate verification. */
	host: string;
	ca: ArrayBuffer;
	certificate: ArrayBuffer;
	/** RSA private key, PKCS#8 DER. */
	key: ArrayBuffer;
	alpn?: string;
}

/** Largest plaintext written as one TLS record. */
const MAX_RECORD = 1024;
/** Header, IV, MAC and padding of one CBC/SHA-256 record, rounded up. */
const RECORD_OVERHEAD = 96;
const READ_CHUNK = 512;

export function tlsTransport(settings: TlsSettings, meter: SocketMeter): OpenTransport {
	const Counting = countingTcp(meter);
	const buffer = new Uint8Array(READ_CHUNK);
	return (handlers) => new TlsTransport(settings, Counting, handlers, buffer);
}

class TlsTransport implements Transport {
	#socket: TLSSocket | undefined;
	#handlers: TransportHandlers;
	#buffer: Uint8Array;
	#open = false;
	#writable = 0;
	#fault = "";

	constructor(settings: TlsSettings, Counting: CountingTcpClass, handlers: TransportHandlers, buffer: Uint8Array) {
		this.#handlers = handlers;
		this.#buffer = buffer;
		this.#socket = new TLSSocket({
			address: settings.address,
			port: settings.port,
			host: settings.host,
			secure: secureOptions(settings),
			TCP: { io: Counting },
			onReadable: (count) => this.#readable(count),
			onWritable: (count) => this.#writableNow(count),
			onError: () => this.#error(),
			onFault: (reason) => {
				this.#fault = reason;
			},
		});
	}

	write(bytes: Uint8Array): number {
		const socket = this.#socket;
		if (!socket) return -1;
		const n = Math.min(bytes.length, this.#writable - RECORD_OVERHEAD, MAX_RECORD);
		if (n <= 0) return 0;
		this.#writable = socket.write(n === bytes.length ? bytes : bytes.subarray(0, n));
		return n;
	}

	close(): void {
		const socket = this.#socket;
		this.#socket = undefined;
		socket?.close();
	}

	#writableNow(count: number): void {
		this.#writable = count;
		if (!this.#socket) return;
		if (this.#open) {
			this.#handlers.onWritable();
			return;
		}
		this.#open = true;
		this.#handlers.onOpen();
	}

	#readable(count: number): void {
		let left = count;
		while (left > 0 && this.#socket) {
			const n = this.#socket.read(this.#buffer);
			if (!n) return;
			left -= n;
			this.#handlers.onData(n === this.#buffer.length ? this.#buffer : this.#buffer.subarray(0, n));
		}
	}

	#error(): void {
		if (!this.#socket) return;
		this.close();
		const reason = this.#fault || (this.#open ? "connection lost" : "connect or TLS handshake failed");
		this.#handlers.onError(reason);
	}
}

function secureOptions(settings: TlsSettings) {
	return {
		certificate: settings.ca,
		clientCertificates: [settings.certificate],
		clientKey: settings.key,
		verify: true,
		...(settings.alpn ? { applicationLayerProtocolNegotiation: settings.alpn } : {}),
	};
}
