/* Web console with thousands of things: the fleet is filtered, sorted and paged on the server, so a page stays one page; prints how long a page takes. */
import { afterEach, describe, expect, it } from "vitest";
import { report } from "../helpers/api-setup";
import { startConsoleCloud, type ConsoleFixture } from "../helpers/console-setup";

let fixtures: ConsoleFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

const THINGS = 5000;
type Obj = Record<string, unknown>;

describe("console at fleet scale", () => {
	it(`pages, sorts and searches ${THINGS} things on the server`, async () => {
		const f = await startConsoleCloud();
		fixtures.push(f);
		for (let g = 0; g < 50; g++) f.cloud.createThingGroup(`line-${g}`);
		for (let i = 0; i < THINGS; i++) f.cloud.addThingToThingGroup(`sensor-${String(i).padStart(5, "0")}`, `line-${i % 50}`);
		const device = await f.connect("sensor-04321");
		await report(device, "sensor-04321", 1, { ns: { bi: 1, bo: 2, pi: 1, po: 1 } });
		const c = f.client();
		await c.login();

		const timings: number[] = [];
		const timed = async <T>(path: string): Promise<T> => {
			const t = performance.now();
			const r = await c.get<T>(path);
			timings.push(performance.now() - t);
			expect(r.status).toBe(200);
			return r.body;
		};
		const first = await timed<{ total: number; items: Obj[] }>("/fleet?limit=100");
		expect(first.total).toBe(THINGS);
		expect(first.items).toHaveLength(100);
		expect(first.items[0].thingName).toBe("sensor-00000");
		const last = await timed<{ items: Obj[] }>(`/fleet?limit=100&offset=${THINGS - 1}`);
		expect(last.items.map((t) => t.thingName)).toEqual(["sensor-04999"]);
		const recent = await timed<{ items: Obj[] }>("/fleet?sort=lastReportTime&order=desc&limit=1");
		expect(recent.items[0]).toMatchObject({ thingName: "sensor-04321", connected: true, lastReply: { status: "ACCEPTED" } });
		const line = await timed<{ total: number }>("/fleet?group=line-7");
		expect(line.total).toBe(THINGS / 50);
		const search = await timed<{ total: number; items: Obj[] }>("/fleet?search=sensor-0432");
		expect(search.total).toBe(10);
		const overview = await timed<Obj>("/overview");
		expect(overview).toMatchObject({ things: THINGS, connected: 1 });
		const ms = timings.map((t) => t.toFixed(0)).join(", ");
		process.stdout.write(`console fleet of ${THINGS} things: request times ${ms} ms\n`);
	});
});
