/*
 * mqtt-port — the agent's and rogue mode's view of the MQTT client (MqttPort), made once by the
 * composition (modules/stack). A publish counts as done when the client sent or queued it; the
 * client copies what it accepts. A class, not an object of closures: its methods stay in flash on
 * the device and an instance costs a few live slots.
 */
import type { MqttClient } from "../mqtt/client";
import { isSuccess } from "../mqtt/status";
import type { MqttPort } from "./ports";

class ClientPort implements MqttPort {
	#client: MqttClient;

	constructor(client: MqttClient) {
		this.#client = client;
	}

	get connected(): boolean {
		return this.#client.connected;
	}

	publish(topic: string, payload: Uint8Array, qos: 0 | 1): boolean {
		return isSuccess(this.#client.publish(topic, payload, qos));
	}

	subscribe(topic: string, qos: 0 | 1): void {
		this.#client.subscribe(topic, qos);
	}
}

export function portOf(client: MqttClient): MqttPort {
	return new ClientPort(client);
}
