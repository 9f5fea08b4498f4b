/*
 * transport — the byte-stream contract between the MQTT client and a connection (TCP, TLS, an
 * in-memory pipe), written down as plainly as coreMQTT's transport_interface.h.
 *
 * The client calls `openTransport(handlers)` once per connection attempt. The factory starts
 * connecting at once and returns a Transport; it must not call any handler synchronously from
 * inside openTransport (defer to the next event; the Node host and Moddable sockets do so
 * naturally). Then, for that connection only:
 *
 *   handlers.onOpen()          once, when bytes can flow (TCP connected and, for TLS, the handshake
 *                              done and the server certificate verified). Moddable: the first
 *                              onWritable of the TLS socket.
 *   handlers.onData(bytes)     bytes received, in order. `bytes` may be a view of the transport's
 *                              own buffer: the client consumes it before returning.
 *   handlers.onWritable()      the transport has room again after a write() accepted fewer bytes
 *                              than offered (may also be called spuriously; it is only a hint).
 *   handlers.onClose()         the peer closed the connection in order.        } exactly one of
 *   handlers.onError(reason)   the connection failed (refused, reset, TLS      } these ends the
 *                              alert, certificate rejected, ...) — a short      } connection; no
 *                              human-readable reason.                          } handler after it.
 *
 *   transport.write(bytes)     Offers bytes to send. Returns how many leading bytes were accepted:
 *                              bytes.length (all), 0..length-1 (the rest must be offered again after
 *                              onWritable). The transport COPIES what it accepts before returning:
 *                              the client reuses its buffer. A negative return or a throw means the
 *                              connection is dead (the client then closes it).
 *   transport.close()          Closes the connection now (after flushing what was accepted if it
 *                              can). Idempotent. No handler is called after close() returns.
 *
 * write() and close() never call a handler synchronously. Moddable mapping (ECMA-419 TCP + TLS):
 * onOpen = first onWritable; onData = onReadable(count) → read(count); write = socket.write(bytes)
 * if it fits the last writable count, else 0 (then onWritable when room returns); onError(msg) =
 * socket onError; onClose = onReadable with the peer closed / onError "closed".
 */

export interface TransportHandlers {
	onOpen(): void;
	onData(bytes: Uint8Array): void;
	onWritable(): void;
	onClose(): void;
	onError(reason: string): void;
}

export interface Transport {
	write(bytes: Uint8Array): number;
	close(): void;
}

/** Called once per connection attempt. May throw: the attempt then fails with TRANSPORT_ERROR. */
export type OpenTransport = (handlers: TransportHandlers) => Transport;
