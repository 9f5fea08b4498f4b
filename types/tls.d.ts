/*
 * embedded:io/socket/tcp/tls — our declaration of the SDK example TLS socket
 * (examples/io/tcp/tlssocket). It builds the underlying socket with `new options.TCP.io(options)`
 * and reads/writes it through read(view), write(buffer) and the `readable`/`writable` numbers it
 * stores on that socket.
 */
declare module "embedded:io/socket/tcp/tls" {
	/** What the TLS layer needs from the socket class it is given (a counting wrapper is fine). */
	export interface TLSUnderlyingSocket {
		readable: number;
		writable: number;
		read(into: Uint8Array): number;
		write(data: Uint8Array): number;
		close(): void;
	}
	export interface TLSUnderlyingOptions {
		address: string;
		port: number;
		onReadable(count: number): void;
		onWritable(count: number): void;
		onError(): void;
		/** Ours, not the SDK's: the TLS socket passes unknown options through to the TCP class. */
		onFault?: (reason: string) => void;
	}
	export interface SecureOptions {
		/** Trusted CA, DER. */
		certificate?: ArrayBuffer;
		/** PKCS#8 DER, RSA only. */
		clientKey?: ArrayBuffer;
		clientCertificates?: ArrayBuffer[];
		applicationLayerProtocolNegotiation?: string | string[];
		serverName?: string;
		verify?: boolean;
		tls_max_fragment_length?: number;
	}
	export interface TLSOptions {
		address: string;
		port: number;
		/** Server name for SNI and certificate checks. */
		host?: string;
		secure: SecureOptions;
		TCP: { io: new (options: TLSUnderlyingOptions) => TLSUnderlyingSocket };
		onReadable?: (count: number) => void;
		onWritable?: (count: number) => void;
		onError?: () => void;
		/** Ours, passed through to the TCP class (see TLSUnderlyingOptions.onFault). */
		onFault?: (reason: string) => void;
	}
	export default class TLSSocket {
		constructor(options: TLSOptions);
		/** Into a view: returns the bytes copied. Undefined when nothing is buffered. */
		read(into: Uint8Array): number | undefined;
		write(data: Uint8Array): number;
		close(): void;
	}
}
