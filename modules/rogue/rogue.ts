/*
 * rogue — the seed's compromised device: once a second it publishes a random 100-character
 * message (uppercase letters and digits) as {"message":"…"} at QoS 0 to a topic it also subscribes
 * to, so the device both sends and receives unusual traffic. Off until start(). Clock, random
 * source and MQTT come in as small interfaces; the traffic goes through the same counted transport
 * as the rest of the firmware. Counts what it sends and receives.
 */
import type { Clock, Log, TimerHandle } from "../platform/platform";
import { utf8Encode } from "../bytes/utf8";

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
}

export class RogueError extends Error {
	/** A field, not `this.name = …`: XS freezes Error.prototype when modules are preloaded. */
	override readonly name = "RogueError";
	readonly code = "BadRogueOption";
	constructor(message: string) {
		super(`BadRogueOption: ${message}`);
	}
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export class Rogue {
	readonly topic: string;
	readonly periodMs: number;
	readonly length: number;
	#port: RoguePort;
	#clock: Clock;
	#random: () => number;
	#log: Log | undefined;
	#timer: TimerHandle | undefined;
	#status: RogueStatus = { running: false, sent: 0, sentBytes: 0, received: 0, receivedBytes: 0, skipped: 0 };

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

	/** The composition root calls this after every (re)connection: sessions are clean. */
	onConnected(): void {
		if (this.#status.running) this.#port.subscribe(this.topic, 0);
	}

	/** The composition root forwards every incoming message; only our topic is counted. */
	onMessage(topic: string, payload: Uint8Array): void {
		if (topic !== this.topic) return;
		this.#status.received++;
		this.#status.receivedBytes += payload.length;
	}

	/** A fresh random message of `length` characters from A–Z and 0–9. */
	message(): string {
		let s = "";
		for (let i = 0; i < this.length; i++) s += ALPHABET[Math.floor(this.#random() * ALPHABET.length) % ALPHABET.length];
		return s;
	}

	#arm(): void {
		this.#timer = this.#clock.set(() => this.#tick(), this.periodMs);
	}

	#tick(): void {
		this.#arm();
		const payload = utf8Encode(`{"message":"${this.message()}"}`);
		if (this.#port.connected && this.#port.publish(this.topic, payload, 0)) {
			this.#status.sent++;
			this.#status.sentBytes += payload.length;
		} else this.#status.skipped++;
	}
}
