/*
 * rogue — the seed's compromised device: once a second it publishes a random 100-character
 * message (uppercase letters and digits) as {"message":"…"} at QoS 0 to a topic it also subscribes
 * to, so the device both sends and receives unusual traffic. Off until start(). Clock, random
 * source and MQTT come in as small interfaces; the traffic goes through the same counted transport
 * as the rest of the firmware. Counts what it sends and receives. The JSON bytes are written
 * straight into one buffer, made on the first tick and reused: the MQTT client copies what it
 * accepts (QoS 0 into its transmit buffer), so no string or buffer is made per message.
 */
import type { Clock, Log, TimerHandle } from "../platform/platform";

/** The part of an MQTT client rogue mode needs. */
export interface RoguePort {
	readonly connected: boolean;
	/** Returns false when the message could not be queued (e.g. offline). */
	publish(topic: string, payload: Uint8Array, qos: 0 | 1): boolean;
	subscribe(topic: string, qos: 0 | 1): void;
}

export interface RogueOptions {
	port: RoguePort;
	clock: Clock;
	/** Uniform in [0, 1), like Math.random. */
	random: () => number;
	/** Default "/rogue/agent". */
	topic?: string;
	/** Default 1000 ms. */
	periodMs?: number;
	/** Characters per message, default 100. */
	length?: number;
	log?: Log;
}

export interface RogueStatus {
	running: boolean;
	sent: number;
	sentBytes: number;
	received: number;
	receivedBytes: number;
	/** Ticks at which no message went out because the client was offline or refused it. */
	skipped: number;
	/** Ticks and subscriptions that threw (a platform or client fault; logged, never rethrown). */
	failures: number;
}

export class RogueError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "RogueError";
	readonly code = "BadRogueOption";
	constructor(message: string) {
		super(`BadRogueOption: ${message}`);
	}
}

const PREFIX = '{"message":"';
const SUFFIX = '"}';
/** A–Z then 0–9. */
const SYMBOLS = 36;

export class Rogue {
	readonly topic: string;
	readonly periodMs: number;
	readonly length: number;
	#port: RoguePort;
	#clock: Clock;
	#random: () => number;
	#log: Log | undefined;
	#timer: TimerHandle | undefined;
	#buffer: Uint8Array | undefined;
	#status: RogueStatus = { running: false, sent: 0, sentBytes: 0, received: 0, receivedBytes: 0, skipped: 0, failures: 0 };

	constructor(options: RogueOptions) {
		const topic = options.topic ?? "/rogue/agent";
		const periodMs = options.periodMs ?? 1000;
		const length = options.length ?? 100;
		if (typeof topic !== "string" || topic.length === 0 || /[+#\u0000]/.test(topic)) throw new RogueError(`topic must be a non-empty topic name without wildcards, got ${JSON.stringify(topic)}`);
		if (!Number.isInteger(periodMs) || periodMs < 1) throw new RogueError(`periodMs must be a positive integer, got ${periodMs}`);
		if (!Number.isInteger(length) || length < 1) throw new RogueError(`length must be a positive integer, got ${length}`);
		this.topic = topic;
		this.periodMs = periodMs;
		this.length = length;
		this.#port = options.port;
		this.#clock = options.clock;
		this.#random = options.random;
		this.#log = options.log;
	}

	get status(): Readonly<RogueStatus> {
		return this.#status;
	}

	/** Starts publishing (subscribing now if already connected). Calling it twice is harmless. */
	start(): void {
		if (this.#status.running) return;
		this.#status.running = true;
		if (this.#port.connected) this.#port.subscribe(this.topic, 0);
		this.#log?.(`rogue: publishing to ${this.topic} every ${this.periodMs} ms`);
		this.#arm();
	}

	stop(): void {
		if (!this.#status.running) return;
		this.#status.running = false;
		this.#clock.clear(this.#timer);
		this.#timer = undefined;
		this.#log?.(`rogue: stopped after ${this.#status.sent} messages`);
	}

	/**
	 * The composition root calls this after every (re)connection: sessions are clean. Never throws.
	 * The subscription is made on a 0 ms timer: this callback runs deep inside the client's receive
	 * path, and a subscribe writes through TLS.
	 */
	onConnected(): void {
		if (!this.#status.running) return;
		try {
			this.#clock.set(() => this.#subscribe(), 0);
		} catch (error) {
			this.#fault("subscribe", error);
		}
	}

	/** The composition root forwards every incoming message; only our topic is counted. */
	onMessage(topic: string, payload: Uint8Array): void {
		if (topic !== this.topic) return;
		this.#status.received++;
		this.#status.receivedBytes += payload.length;
	}

	#arm(): void {
		this.#timer = this.#clock.set(() => {
			try {
				this.#tick();
			} catch (error) {
				this.#fault("tick", error);
			}
		}, this.periodMs);
	}

	#subscribe(): void {
		try {
			if (this.#status.running && this.#port.connected) this.#port.subscribe(this.topic, 0);
		} catch (error) {
			this.#fault("subscribe", error);
		}
	}

	#tick(): void {
		this.#arm();
		const payload = this.#fill();
		if (this.#port.connected && this.#port.publish(this.topic, payload, 0)) {
			this.#status.sent++;
			this.#status.sentBytes += payload.length;
		} else this.#status.skipped++;
	}

	/** Counts and logs what a timer or MQTT callback step threw (caught inline by the caller). */
	#fault(step: string, error: unknown): void {
		this.#status.failures++;
		try {
			this.#log?.(`rogue: ${step} failed: ${error instanceof Error ? error.message : String(error)}`);
		} catch {
			// the log itself threw: the failure is still counted
		}
	}

	/** The reused buffer holding {"message":"…"} around `length` fresh random characters from A–Z and 0–9. */
	#fill(): Uint8Array {
		let b = this.#buffer;
		if (b === undefined) {
			b = this.#buffer = new Uint8Array(PREFIX.length + this.length + SUFFIX.length);
			ascii(b, 0, PREFIX);
			ascii(b, b.length - SUFFIX.length, SUFFIX);
		}
		for (let i = PREFIX.length, end = b.length - SUFFIX.length; i < end; i++) {
			const k = Math.floor(this.#random() * SYMBOLS) % SYMBOLS;
			b[i] = k < 26 ? 0x41 + k : 0x30 + k - 26;
		}
		return b;
	}
}

function ascii(out: Uint8Array, at: number, text: string): void {
	for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
}
