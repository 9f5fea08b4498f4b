/*
 * meter — what the counting socket reports to the network driver: wire bytes of every read and
 * write at the TCP socket (under TLS) and the life of each connection.
 */
export interface SocketMeter {
	/** A read took `bytes` from the socket. */
	received(bytes: number): void;
	/** A write gave `bytes` to the socket. */
	sent(bytes: number): void;
	/** The connection to `remoteAddr` ("a.b.c.d:port") is established; returns its id (> 0). */
	opened(remoteAddr: string): number;
	/** The connection with this id is gone (closed or failed). Unknown ids are ignored. */
	closed(id: number): void;
}
