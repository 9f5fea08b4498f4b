/*
 * mqtt-port — the agent's and rogue mode's view of the MQTT client (MqttPort), shared by the
 * Moddable composition root (main.ts) and the host one (hardware/host/device.ts). A publish counts
 * as done when the client sent or queued it; the client copies what it accepts.
 */
import type { MqttClient } from "../mqtt/client";
import { isSuccess } from "../mqtt/status";
import type { MqttPort } from "./ports";

export function portOf(client: MqttClient): MqttPort {
	return {
		get connected() {
			return client.connected;
		},
		publish: (topic, payload, qos) => isSuccess(client.publish(topic, payload, qos)),
		subscribe: (topic, qos) => {
			client.subscribe(topic, qos);
		},
	};
}
