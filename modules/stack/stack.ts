/*
 * stack — the one composition of the firmware, called by main.ts on Moddable and by
 * hardware/host/device.ts on Node: MQTT client → sampler → Device Defender agent (+ rogue mode), on
 * one clock, with the device's limits (4 KB payloads, 2 QoS 1 messages in flight) unless the caller
 * raises them explicitly. The platform parts (transport, driver, store, clock, log) come in.
 *
 *   const stack = composeStack({ thingName, clock, openTransport, driver, store, log });
 *   stack.start(rogueOn); stack.status; stack.stop();
 */
import { DefenderAgent, portOf } from "../defender/defender";
import { LIMITS } from "../facts/facts";
import type { AgentStatus } from "../defender/defender";
import { MqttClient } from "../mqtt/client";
import type { MqttState, MqttStats } from "../mqtt/client";
import { isSuccess } from "../mqtt/status";
import type { OpenTransport } from "../mqtt/transport";
import type { NetDriver } from "../netdriver/netdriver";
import type { Clock, Log, Store } from "../platform/platform";
import type { ReportFormat } from "../report/report";
import { Rogue } from "../rogue/rogue";
import type { RogueOptions, RogueStatus } from "../rogue/rogue";
import { Sampler } from "../sampler/sampler";

export interface StackLimits {
	/** Largest MQTT payload sent or received; reports are cut to fit it. */
	maxPayload: number;
	/** QoS 1 messages awaiting PUBACK at once. */
	maxInflight: number;
	keepAliveSeconds: number;
	reconnectMinMs: number;
	reconnectMaxMs: number;
}

/** What the ESP32 runs with: a capped report, a Defender reply, a rogue message all fit 4 KB. */
export const DEVICE_LIMITS: Readonly<StackLimits> = Object.freeze({ maxPayload: 4096, maxInflight: 2, keepAliveSeconds: 60, reconnectMinMs: 1000, reconnectMaxMs: 60_000 });

export interface StackOptions {
	thingName: string;
	clock: Clock;
	openTransport: OpenTransport;
	driver: NetDriver;
	store: Store;
	log?: Log;
	/** Rogue messages and reconnect jitter, default Math.random. */
	random?: () => number;
	format?: ReportFormat;
	intervalSeconds?: number;
	allowShortInterval?: boolean;
	/** Default min(30, interval / 2). */
	replyTimeoutSeconds?: number;
	/** Default min(10, interval). */
	pollSeconds?: number;
	rogueTopic?: string;
	roguePeriodMs?: number;
	/** Only to depart from DEVICE_LIMITS on purpose (a host test of larger payloads). */
	limits?: Partial<StackLimits>;
}

export interface StackStatus extends AgentStatus {
	mqttState: MqttState;
	/** Why the client last left "connected"/"connecting" ("" before that happened). */
	mqttReason: string;
	mqtt: Readonly<MqttStats>;
	rogue: Readonly<RogueStatus>;
}

export interface Stack {
	readonly client: MqttClient;
	readonly sampler: Sampler;
	readonly agent: DefenderAgent;
	/** Made when rogue mode is first switched on (or at once when its topic or period is given, to check them): fewer live slots on the device. */
	readonly rogue: Rogue | undefined;
	readonly limits: Readonly<StackLimits>;
	readonly status: StackStatus;
	/** Starts the agent and the client, and rogue mode when `rogue` is true. */
	start(rogue: boolean): void;
	setRogue(on: boolean): void;
	stop(): void;
}

export function composeStack(o: StackOptions): Stack {
	return new ComposedStack(o);
}

const IDLE_ROGUE: Readonly<RogueStatus> = Object.freeze({ running: false, sent: 0, sentBytes: 0, received: 0, receivedBytes: 0, skipped: 0, failures: 0 });

/**
 * A class rather than an object of closures: its methods stay in flash on the device (preloaded),
 * so the composition costs the instance and the three client callbacks in live slots.
 */
class ComposedStack implements Stack {
	readonly client: MqttClient;
	readonly sampler: Sampler;
	readonly agent: DefenderAgent;
	readonly limits: Readonly<StackLimits>;
	#rogue: Rogue | undefined;
	#rogueOptions: RogueOptions;

	constructor(o: StackOptions) {
		// the frozen DEVICE_LIMITS itself unless the caller departs from them
		const limits: Readonly<StackLimits> = o.limits === undefined ? DEVICE_LIMITS : { ...DEVICE_LIMITS, ...o.limits };
		const log = o.log ?? (() => {});
		const random = o.random ?? Math.random;
		const interval = o.intervalSeconds ?? 300;
		const client = new MqttClient({
			clientId: o.thingName,
			keepAliveSeconds: limits.keepAliveSeconds,
			clock: o.clock,
			openTransport: o.openTransport,
			maxPayload: limits.maxPayload,
			maxInflight: limits.maxInflight,
			reconnect: { minMs: limits.reconnectMinMs, maxMs: limits.reconnectMaxMs },
			random,
			log,
		});
		const sampler = new Sampler({ driver: o.driver });
		const port = portOf(client);
		this.client = client;
		this.sampler = sampler;
		this.limits = limits;
		this.agent = new DefenderAgent({ mqtt: port, sampler, driver: o.driver, clock: o.clock, store: o.store, log }, {
			thingName: o.thingName,
			format: o.format,
			intervalSeconds: interval,
			allowShortInterval: o.allowShortInterval,
			replyTimeoutSeconds: o.replyTimeoutSeconds ?? Math.min(30, interval / 2),
			pollSeconds: o.pollSeconds ?? Math.min(10, interval),
			// a report also obeys AWS IoT's 128 KB when a host raised the client's payload limit past it
			maxReportBytes: Math.min(limits.maxPayload, LIMITS.maxPayloadBytes),
		});
		this.#rogueOptions = { port, clock: o.clock, random, log, topic: o.rogueTopic, periodMs: o.roguePeriodMs };
		if (o.rogueTopic !== undefined || o.roguePeriodMs !== undefined) this.#makeRogue();
		this.#wire(log);
	}

	/** Made when rogue mode is first switched on (or at once when its topic or period is given, to check them). */
	get rogue(): Rogue | undefined {
		return this.#rogue;
	}

	get status(): StackStatus {
		const client = this.client;
		return { ...this.agent.status, mqttState: client.state, mqttReason: client.reason, mqtt: client.stats, rogue: this.#rogue?.status ?? IDLE_ROGUE };
	}

	start(rogueOn: boolean): void {
		this.agent.start();
		if (rogueOn) this.setRogue(true);
		this.client.start();
	}

	setRogue(on: boolean): void {
		if (on) this.#makeRogue().start();
		else this.#rogue?.stop();
	}

	stop(): void {
		this.#rogue?.stop();
		this.agent.stop();
		this.client.stop();
	}

	#makeRogue(): Rogue {
		return (this.#rogue ??= new Rogue(this.#rogueOptions));
	}

	#wire(log: Log): void {
		this.client.onMessage = (topic, payload) => {
			this.agent.onMessage(topic, payload);
			this.#rogue?.onMessage(topic, payload);
		};
		this.client.onState = (state, reason) => {
			log(`mqtt: ${state}${reason ? ` (${reason})` : ""}`);
			if (state !== "connected") return;
			this.agent.onConnected();
			this.#rogue?.onConnected();
		};
		this.client.onSubscribed = (filter, status) => {
			if (!isSuccess(status)) this.agent.onSubscribeRefused(filter);
		};
	}
}
