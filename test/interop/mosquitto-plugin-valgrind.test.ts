/*
 * The Defender plugin under valgrind memcheck: mosquitto runs under valgrind with the plugin and the cloud
 * on top, clients go through every plugin path (CONNECT accepted and refused, allowed and refused
 * PUBLISH/SUBSCRIBE, deliveries, counters handed to Detect, revocation kick, disconnects), then mosquitto
 * stops with SIGTERM (the plugin's cleanup runs) and the valgrind log must show no error and no leak.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { revokeCertificate } from "../../cloud/broker/revocation";
import { realUntil } from "../helpers/agent-e2e";
import { startPluginBroker, subscribeCodes } from "../helpers/mosquitto-plugin";
import { tempDir } from "../helpers/cloud-setup";

const logDir = tempDir("mosquitto-valgrind-");
const log = join(logDir, "valgrind.log");

afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe("mosquitto plugin under valgrind", () => {
	it("no memory errors and no leaks through every plugin path", async () => {
		const b = await startPluginBroker({
			allowTopics: ["/rogue/agent", "fleet/${iot:ClientId}/#"],
			withCloud: true,
			batchThings: 2,
			launch: {
				wrap: ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect", `--log-file=${log}`],
				stopSignal: "SIGTERM",
				acceptTimeoutMs: 60_000,
			},
		});
		const cloud = b.cloud;
		try {
			if (!cloud) throw new Error("cloud not started");
			const a = await b.client("VgA");
			const v5 = await b.client("VgB", { protocolVersion: 5 });
			await a.subscribeAsync(["$aws/things/VgA/echo", "fleet/VgA/+"], { qos: 1 });
			let echoes = 0;
			a.on("message", () => echoes++);
			for (let i = 0; i < 20; i++) await a.publishAsync(i % 2 ? "$aws/things/VgA/echo" : "fleet/VgA/x", Buffer.alloc(i * 10), { qos: 1 });
			expect(await subscribeCodes(a, "$aws/things/VgB/#")).toEqual([0x80]);
			expect(await subscribeCodes(v5, "$aws/things/VgA/#")).toEqual([0x87]);
			await expect(v5.publishAsync("$aws/things/VgA/x", "refused", { qos: 1 })).rejects.toThrow(/Not authorized/);
			const closer = await b.client("VgD");
			let closerClosed = false;
			closer.on("close", () => (closerClosed = true));
			closer.publish("$aws/things/VgA/x", "refused", { qos: 0 });
			await realUntil(() => closerClosed, 30_000, "the refused publisher to be closed");
			closer.end(true);
			await expect(b.client("VgC", { clientId: "VgA" })).rejects.toThrow(/Not authorized/);
			await realUntil(() => echoes === 20, 30_000, "the echoes");
			await realUntil(() => cloud.metrics("VgA")["aws:num-messages-sent"] === 20, 30_000, "the counters to reach Detect");
			let closed = false;
			v5.on("close", () => (closed = true));
			revokeCertificate(b.revokedFile, { thing: "VgB" });
			await realUntil(() => closed, 30_000, "the revoked client to be kicked");
			v5.end(true);
			await a.endAsync();
			await realUntil(() => cloud.metrics("VgA")["aws:num-disconnects"] === 1, 30_000, "the disconnect to reach Detect");
		} finally {
			await b.stop();
		}
		const report = readFileSync(log, "utf8");
		expect(report, report).toMatch(/ERROR SUMMARY: 0 errors from 0 contexts/);
		expect(report, report).not.toMatch(/definitely lost: [1-9]|indirectly lost: [1-9]/);
		expect(report).toMatch(/HEAP SUMMARY/);
	}, 180_000);
});
