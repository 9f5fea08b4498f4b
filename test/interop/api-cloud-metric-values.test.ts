/*
 * ListMetricValues for cloud-side metrics: each closed 300 s window leaves one datapoint per counted
 * metric (messages sent and received, authorization failures, connection attempts, disconnects), stored
 * with the device-side history, read with @aws-sdk/client-iot.
 */
import { ListMetricValuesCommand } from "@aws-sdk/client-iot";
import { afterEach, describe, expect, it } from "vitest";
import { startApiCloud, type ApiFixture } from "../helpers/api-setup";

let fixture: ApiFixture | undefined;
afterEach(async () => {
	await fixture?.cleanup();
	fixture = undefined;
});

async function until(cond: () => boolean, what: string): Promise<void> {
	const end = Date.now() + 10_000;
	while (!cond()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** Messages counted both ways (aedes counts a delivery before it hands the publish to the `published` hook). */
function counted(f: ApiFixture): number {
	const m = f.cloud.metrics("dev-counted");
	return Math.min(m["aws:num-messages-sent"], m["aws:num-messages-received"]);
}

describe("ListMetricValues: cloud-side metrics", () => {
	it("returns one datapoint per closed 300 s window with the window's count", async () => {
		const f = (fixture = await startApiCloud({ allowTopics: ["/rogue/agent"] }));
		const start = f.clock.now(); // 2026-01-01T00:00Z: a window boundary
		const device = await f.connect("dev-counted");
		await device.subscribeAsync("/rogue/agent", { qos: 1 });
		for (let i = 0; i < 7; i++) await device.publishAsync("/rogue/agent", `m${i}`, { qos: 1 });
		await until(() => counted(f) >= 7, "the echoes");
		f.clock.advance(300_000);
		await device.publishAsync("/rogue/agent", "late", { qos: 1 });
		await until(() => counted(f) >= 8, "the last echo");
		f.clock.advance(300_000);

		const read = async (metricName: string): Promise<[number | undefined, number | undefined][]> => {
			const r = await f.iot.send(new ListMetricValuesCommand({ thingName: "dev-counted", metricName, startTime: new Date(start), endTime: new Date(start + 900_000) }));
			return (r.metricDatumList ?? []).map((d) => [d.timestamp?.getTime(), d.value?.count]);
		};
		expect(await read("aws:num-messages-sent")).toEqual([[start + 300_000, 7], [start + 600_000, 1]]);
		expect(await read("aws:num-messages-received")).toEqual([[start + 300_000, 7], [start + 600_000, 1]]);
		expect(await read("aws:num-connection-attempts")).toEqual([[start + 300_000, 1]]);
		expect(await read("aws:num-authorization-failures")).toEqual([]);
	});
});
