/*
 * MqttClient against aedes over tls.createServer with requestCert on 127.0.0.1.
 */
import { startAedes } from "../helpers/mqtt-aedes";
import { interopSuite } from "../helpers/mqtt-interop-suite";

interopSuite("aedes", startAedes);
