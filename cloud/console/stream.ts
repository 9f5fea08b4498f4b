/*
 * stream — the console's server-sent events (/console/api/events): reports, violation events, alarms and
 * connections as they happen, a heartbeat, and bounded memory per client: while a client's unsent data
 * exceeds MAX_BUFFERED bytes its events are dropped and counted, then announced with `dropped` once it
 * drains. At most MAX_STREAMS streams are open (MAX_STREAMS_PER_SESSION per session); a stream ends with
 * its session.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ConsoleError, SECURITY_HEADERS } from "./http";

export const MAX_BUFFERED = 256 * 1024;
export const MAX_STREAMS = 32;
export const MAX_STREAMS_PER_SESSION = 8;
export const HEARTBEAT_MS = 15_000;

interface Client {
	res: ServerResponse;
	session: string;
	/** false once the session has ended or expired */
	valid: () => boolean;
	dropped: number;
}

export class EventStream {
	readonly #clients = new Set<Client>();
	readonly #now: () => number;
	readonly #timer: NodeJS.Timeout;
	/** events dropped for slow clients since start */
	droppedTotal = 0;

	constructor(now: () => number, heartbeatMs = HEARTBEAT_MS) {
		this.#now = now;
		this.#timer = setInterval(() => this.#heartbeat(), heartbeatMs);
		this.#timer.unref();
	}

	get size(): number {
		return this.#clients.size;
	}

	open(req: IncomingMessage, res: ServerResponse, session: string, valid: () => boolean): void {
		if (this.#clients.size >= MAX_STREAMS) throw new ConsoleError(503, "TooManyStreams", `at most ${MAX_STREAMS} event streams are open`);
		if ([...this.#clients].filter((c) => c.session === session).length >= MAX_STREAMS_PER_SESSION) {
			throw new ConsoleError(503, "TooManyStreams", `at most ${MAX_STREAMS_PER_SESSION} event streams per session`);
		}
		res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
		res.socket?.setNoDelay(true);
		const c: Client = { res, session, valid, dropped: 0 };
		this.#clients.add(c);
		const remove = (): void => void this.#clients.delete(c);
		req.on("close", remove);
		res.on("close", remove);
		res.on("drain", () => {
			if (c.dropped === 0) return;
			const n = c.dropped;
			c.dropped = 0;
			this.#write(c, "dropped", { dropped: n });
		});
		this.#write(c, "hello", { time: this.#now() });
	}

	broadcast(event: string, data: unknown): void {
		if (this.#clients.size === 0) return;
		const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
		for (const c of this.#clients) this.#send(c, frame);
	}

	/** Ends the streams of a session (logout, expiry). */
	endSession(session: string): void {
		for (const c of this.#clients) if (c.session === session) this.#end(c);
	}

	close(): void {
		clearInterval(this.#timer);
		for (const c of this.#clients) this.#end(c);
	}

	#heartbeat(): void {
		for (const c of this.#clients) if (!c.valid()) this.#end(c);
		this.broadcast("heartbeat", { time: this.#now() });
	}

	#send(c: Client, frame: string): void {
		if (c.res.writableLength > MAX_BUFFERED) {
			c.dropped++;
			this.droppedTotal++;
			return;
		}
		c.res.write(frame);
	}

	#write(c: Client, event: string, data: unknown): void {
		this.#send(c, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
	}

	#end(c: Client): void {
		this.#clients.delete(c);
		c.res.end();
	}
}
