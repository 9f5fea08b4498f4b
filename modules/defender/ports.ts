/*
 * ports — what the agent is given by the composition root: small views of the MQTT client and the
 * sampler, the network driver, the clock, the store and the log. No platform module is imported.
 */
import type { NetDriver } from "../netdriver/netdriver";
import type { Clock, Log, Store } from "../platform/platform";
import type { NetStats } from "../sampler/sampler";

/** The part of an MQTT client the agent needs; the composition root adapts the real client. */
export interface MqttPort {
	readonly connected: boolean;
	/** Returns false when the message could not be queued (e.g. offline). */
	publish(topic: string, payload: Uint8Array, qos: 0 | 1): boolean;
	subscribe(topic: string, qos: 0 | 1): void;
}

/** The part of the sampler the agent needs. */
export interface SamplerPort {
	poll(now: number): void;
	pending(out: NetStats): NetStats;
	acknowledge(stats: NetStats): void;
}

export interface AgentPorts {
	mqtt: MqttPort;
	sampler: SamplerPort;
	driver: NetDriver;
	clock: Clock;
	store: Store;
	log?: Log;
}
