/*
 * MqttClient against a real mosquitto (Debian's, started by the test) with mutual TLS on 127.0.0.1.
 */
import { startMosquitto } from "../helpers/mosquitto";
import { interopSuite } from "../helpers/mqtt-interop-suite";

interopSuite("mosquitto", startMosquitto);
