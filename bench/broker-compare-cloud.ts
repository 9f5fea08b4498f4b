/*
 * broker-compare-cloud — the embedded cloud (startCloud: aedes behind the packet gate, mutual TLS on
 * 127.0.0.1) alone in a Node process, so bench/broker-compare.bench.ts can read its RSS. argv[2] is the pki
 * dir. Sends { port } over IPC once it listens; stops and exits on "stop" or when the parent goes away.
 */
import { startCloud } from "../cloud/index";
import { VirtualClock } from "../hardware/host/virtual-clock";

const pkiDir = process.argv[2];
if (!pkiDir) throw new Error("usage: broker-compare-cloud.ts <pkiDir>");
const cloud = await startCloud({ port: 0, dataDir: ":memory:", pkiDir, clock: new VirtualClock(Date.UTC(2026, 0, 1)), log: () => undefined });
const stop = (): void => {
	cloud.stop().then(
		() => process.exit(0),
		() => process.exit(1),
	);
};
process.on("message", (m) => (m === "stop" ? stop() : undefined));
process.on("disconnect", stop);
process.send?.({ port: cloud.port });
