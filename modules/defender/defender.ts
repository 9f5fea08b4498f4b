/*
 * defender — the public entry of the Device Defender agent module.
 */
export { DefenderAgent } from "./agent";
export type { AgentPorts, MqttPort, SamplerPort } from "./ports";
export { portOf } from "./mqtt-port";
export { MIN_INTERVAL_SECONDS } from "./config";
export type { AgentConfig, Settings } from "./config";
export { AgentError } from "./errors";
export type { AgentErrorCode } from "./errors";
export { REPORT_ID_KEY } from "./reportid";
export type { AgentStatus, ReplyState } from "./status";
