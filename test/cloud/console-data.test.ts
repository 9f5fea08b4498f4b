/*
 * Web console data endpoints over a real cloud with real MQTT reports: fleet, thing detail and report log,
 * metric history with thresholds and violation periods, profiles through the API's own code paths,
 * violations, operator clear and verification. The same suite runs on the embedded SQLite store and on a
 * real PostgreSQL server (`--database`: the console reads the things table and the history there).
 */
import { ValidateSecurityProfileBehaviorsCommand } from "@aws-sdk/client-iot";
import type { MqttClient } from "mqtt";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CloudOptions } from "../../cloud/index";
import { startPostgres, type Postgres } from "../helpers/postgres";
import { report } from "../helpers/api-setup";
import { nextMessage } from "../helpers/cloud-setup";
import { startConsoleCloud, type ConsoleClient, type ConsoleFixture } from "../helpers/console-setup";

let fixtures: ConsoleFixture[] = [];
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

type Obj = Record<string, unknown>;
const SEED = JSON.parse(readFileSync("profiles/CheckRogueDevices.json", "utf8")) as Obj;
const ALL = "arn:aws:iot:local:000000000000:all/things";

let server: Postgres | undefined;
let databases = 0;
afterAll(async () => server?.stop(), 30_000);

/** The store under the console: the embedded SQLite file, or a fresh database on the PostgreSQL server. */
let storeOptions: () => Promise<Partial<CloudOptions>> = async () => ({});

async function started(): Promise<{ f: ConsoleFixture; c: ConsoleClient }> {
	const options = await storeOptions();
	const f = await startConsoleCloud(options);
	fixtures.push(f);
	if (options.database) expect(f.logs.filter((l) => l.startsWith("store: PostgreSQL"))).toHaveLength(1);
	const c = f.client();
	expect((await c.login()).status).toBe(200);
	return { f, c };
}

async function rejectedReport(device: MqttClient, thing: string, payload: string): Promise<void> {
	const topic = `$aws/things/${thing}/defender/metrics/json/rejected`;
	await device.subscribeAsync(topic, { qos: 1 });
	const got = nextMessage(device, topic);
	device.publish(`$aws/things/${thing}/defender/metrics/json`, payload);
	await got;
}

const bytesOut = (n: number): object => ({ ns: { bi: 10, bo: n, pi: 1, po: 1 } });

const STORES: [string, () => Promise<Partial<CloudOptions>>][] = [
	["SQLite", async () => ({})],
	[
		"PostgreSQL",
		async () => {
			server ??= await startPostgres();
			return { database: await server.createDatabase(`console_${++databases}`) };
		},
	],
];

describe.each(STORES)("console data endpoints (%s)", (_name, options) => {
	beforeAll(() => {
		storeOptions = options;
	});

	it("shows the fleet with connection, last report and reply (with the rejection's error code), groups and violation counts", async () => {
		const { f, c } = await started();
		expect((await c.post("/profiles", SEED)).status).toBe(200);
		expect((await c.post("/profiles/CheckRogueDevices/attach", { targetArn: ALL })).status).toBe(200);
		f.cloud.createThingGroup("plant-a");
		f.cloud.addThingToThingGroup("dev-a", "plant-a");
		const a = await f.connect("dev-a");
		const b = await f.connect("dev-b");
		await report(a, "dev-a", 1, bytesOut(20_000));
		await rejectedReport(b, "dev-b", "{not json");
		b.end(true);
		await waitFor(async () => (await c.get<{ items: Obj[] }>("/fleet?search=dev-b")).body.items[0]?.connected === false);

		const all = await c.get<{ total: number; items: Obj[] }>("/fleet");
		expect(all.body.total).toBe(2);
		const [rowA, rowB] = all.body.items;
		expect(rowA).toMatchObject({ thingName: "dev-a", connected: true, lastReportFormat: "json", groups: ["plant-a"], activeViolations: 1, reportsAccepted: 1, sourceIp: "127.0.0.1" });
		expect(rowA.lastReply).toMatchObject({ status: "ACCEPTED", reportId: 1, errorCode: null });
		expect(rowA.lastReportTime).toBe(f.clock.now());
		expect(rowB).toMatchObject({ thingName: "dev-b", connected: false, activeViolations: 0, reportsRejected: 1 });
		expect(rowB.lastReply).toMatchObject({ status: "REJECTED", errorCode: "InvalidPayload" });

		const sorted = await c.get<{ items: Obj[] }>("/fleet?sort=activeViolations&order=desc&limit=1");
		expect(sorted.body.items.map((t) => t.thingName)).toEqual(["dev-a"]);
		expect((await c.get<{ items: Obj[] }>("/fleet?status=REJECTED")).body.items.map((t) => t.thingName)).toEqual(["dev-b"]);
		expect((await c.get<{ items: Obj[] }>("/fleet?search=PLANT")).body.items.map((t) => t.thingName)).toEqual(["dev-a"]);
		expect((await c.get<{ items: Obj[]; offset: number }>("/fleet?offset=1&limit=1")).body).toMatchObject({ offset: 1, items: [{ thingName: "dev-b" }] });
		const bad = await c.get("/fleet?sort=colour");
		expect([bad.status, bad.body.error]).toEqual([400, "BadRequest"]);
		expect((await c.get("/overview")).body).toMatchObject({ things: 2, connected: 1, reportsAcceptedLastMinute: 1, reportsRejectedLastMinute: 1, activeViolations: 1 });
	});

	it("gives a thing's report log, behaviors, and a metric history with the threshold and the violation period", async () => {
		const { f, c } = await started();
		await c.post("/profiles", SEED);
		await c.post("/profiles/CheckRogueDevices/attach", { targetArn: ALL });
		const d = await f.connect("dev-1");
		const t0 = f.clock.now();
		await report(d, "dev-1", 1, bytesOut(500));
		f.clock.advance(300_000);
		await report(d, "dev-1", 2, bytesOut(20_000));
		f.clock.advance(300_000);
		await report(d, "dev-1", 3, bytesOut(400));
		await rejectedReport(d, "dev-1", JSON.stringify({ hed: { rid: 4, v: "one" }, met: {} }));

		const detail = await c.get<Obj & { reports: Obj[]; behaviors: Obj[]; metrics: Obj[] }>("/things/dev-1");
		expect(detail.status).toBe(200);
		expect(detail.body).toMatchObject({ thingName: "dev-1", registered: false, connection: { connected: true }, certificates: [] });
		expect(detail.body.certificateNote).toMatch(/CN/);
		expect(detail.body.reports.map((r) => [r.reportId, r.status])).toEqual([[4, "REJECTED"], [3, "ACCEPTED"], [2, "ACCEPTED"], [1, "ACCEPTED"]]);
		expect(detail.body.reports[1].metrics).toMatchObject({ "aws:all-bytes-out": { count: 400 } });
		expect(detail.body.reports[0]).toMatchObject({ format: "json", errorCode: "InvalidPayload", payload: { encoding: "utf8", truncated: false } });
		expect(detail.body.behaviors.map((b) => (b.behavior as Obj).name)).toEqual(["msgReceive", "bytesOut"]);
		expect(detail.body.metrics).toContainEqual({ name: "aws:all-bytes-out", side: "device" });
		expect(detail.body.metrics).toContainEqual({ name: "aws:num-messages-received", side: "cloud" });

		const h = await c.get<Obj & { datapoints: Obj[]; thresholds: Obj[]; violations: Obj[] }>(`/things/dev-1/metrics/${encodeURIComponent("aws:all-bytes-out")}?start=${t0}&end=${f.clock.now() + 1}`);
		expect(h.status).toBe(200);
		expect(h.body.datapoints.map((p) => (p.value as Obj).count)).toEqual([500, 20_000, 400]);
		expect(h.body.thresholds).toEqual([{ securityProfileName: "CheckRogueDevices", behaviorName: "bytesOut", comparisonOperator: "less-than", value: { count: 10000 }, durationSeconds: 300, statistic: null }]);
		expect(h.body.violations).toMatchObject([{ behaviorName: "bytesOut", start: t0 + 300_000, end: t0 + 600_000, endType: "alarm-cleared" }]);
		// a range that starts inside the violation still shades it from its real start
		const inside = await c.get<{ violations: Obj[] }>(`/things/dev-1/metrics/aws:all-bytes-out?start=${t0 + 400_000}&end=${t0 + 700_000}`);
		expect(inside.body.violations).toMatchObject([{ start: t0 + 300_000, end: t0 + 600_000 }]);
		// cloud-side metrics: one datapoint per closed 300 s window, from the same metric rows
		f.clock.advance(600_000);
		const sent = await c.get<{ side: string; datapoints: Obj[]; thresholds: Obj[] }>(`/things/dev-1/metrics/aws:num-messages-sent?start=${t0}&end=${f.clock.now()}`);
		expect(sent.body.side).toBe("cloud");
		expect(sent.body.datapoints.length).toBeGreaterThan(0);
		expect(sent.body.datapoints.reduce((n, p) => n + Number((p.value as Obj).count), 0)).toBe(4);
		expect(sent.body.thresholds).toEqual([]);
		expect((await c.get("/things/nobody")).status).toBe(404);
		expect((await c.get("/things/dev-1/metrics/aws:nope")).status).toBe(404);
	});

	it("manages profiles through the API's own handlers: same validation messages as ValidateSecurityProfileBehaviors, versions, attach/detach", async () => {
		const { f, c } = await started();
		const mistake = [{ name: "b", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "in-cidr-set", value: { count: 5 } } }];
		const sdk = await f.iot.send(new ValidateSecurityProfileBehaviorsCommand({ behaviors: mistake as never }));
		const mine = await c.post<{ valid: boolean; validationErrors: Obj[] }>("/validate-behaviors", { behaviors: mistake });
		expect(mine.body.valid).toBe(false);
		expect(mine.body.validationErrors).toEqual(sdk.validationErrors);
		const refused = await c.post("/profiles", { securityProfileName: "bad", behaviors: mistake });
		expect(refused.status).toBe(400);
		expect(refused.body.error).toBe("InvalidRequestException");
		expect(String(refused.body.message)).toContain(String(sdk.validationErrors?.[0]?.errorMessage));

		expect((await c.post("/profiles", SEED)).body).toMatchObject({ securityProfileName: "CheckRogueDevices" });
		expect((await c.post("/profiles", SEED)).body.error).toBe("ResourceAlreadyExistsException");
		f.cloud.createThingGroup("g1");
		const group = "arn:aws:iot:local:000000000000:thinggroup/g1";
		expect((await c.post("/profiles/CheckRogueDevices/attach", { targetArn: group })).status).toBe(200);
		const described = await c.get<Obj>("/profiles/CheckRogueDevices");
		expect(described.body).toMatchObject({ version: 1, targets: [group] });
		expect(described.body.creationDate).toBe(f.clock.now());
		const upd = await c.call<Obj>("PATCH", "/profiles/CheckRogueDevices?expectedVersion=1", { securityProfileDescription: "v2" });
		expect(upd.body).toMatchObject({ version: 2, securityProfileDescription: "v2" });
		expect((await c.call("PATCH", "/profiles/CheckRogueDevices?expectedVersion=1", { securityProfileDescription: "v3" })).body.error).toBe("VersionConflictException");
		const list = await c.get<{ items: Obj[] }>("/profiles?search=rogue");
		expect(list.body.items).toMatchObject([{ securityProfileName: "CheckRogueDevices", behaviors: 2, version: 2, targets: [group] }]);
		expect((await c.get("/targets")).body).toEqual({ allThings: ALL, groups: [{ name: "g1", arn: group, things: 0 }] });
		expect((await c.post("/profiles/CheckRogueDevices/detach", { targetArn: group })).status).toBe(200);
		expect((await c.get<Obj>("/profiles/CheckRogueDevices")).body.targets).toEqual([]);
		expect((await c.call("DELETE", "/profiles/CheckRogueDevices")).status).toBe(200);
		expect((await c.get("/profiles/CheckRogueDevices")).body.error).toBe("ResourceNotFoundException");
	});

	it("lists active violations and history, sets the verification state, and clears an alarm as a recorded alarm-cleared event", async () => {
		const { f, c } = await started();
		await c.post("/profiles", SEED);
		await c.post("/profiles/CheckRogueDevices/attach", { targetArn: ALL });
		const d = await f.connect("dev-1");
		const t0 = f.clock.now();
		await report(d, "dev-1", 1, bytesOut(50_000));
		const active = await c.get<{ total: number; items: Obj[] }>("/violations/active");
		expect(active.body.total).toBe(1);
		const v = active.body.items[0];
		expect(v).toMatchObject({ thingName: "dev-1", securityProfileName: "CheckRogueDevices", behavior: { name: "bytesOut" }, lastViolationValue: { count: 50_000 }, violationStartTime: t0, verificationState: null });
		const id = String(v.violationId);

		expect((await c.post(`/violations/${id}/verification`, { verificationState: "MAYBE" })).status).toBe(400);
		expect((await c.post(`/violations/nope/verification`, { verificationState: "TRUE_POSITIVE" })).status).toBe(404);
		expect((await c.post(`/violations/${id}/verification`, { verificationState: "TRUE_POSITIVE", verificationStateDescription: "rogue mode test" })).status).toBe(200);
		expect((await c.get<{ items: Obj[] }>("/violations/active?search=bytes")).body.items[0]).toMatchObject({ verificationState: "TRUE_POSITIVE", verificationStateDescription: "rogue mode test" });
		// one table: the API's ListActiveViolations (and its verificationState filter) sees the console's verdict
		expect(f.cloud.listActiveViolations({ verificationState: "TRUE_POSITIVE" })).toMatchObject([{ violationId: id, verificationStateDescription: "rogue mode test" }]);

		f.clock.advance(1000);
		const cleared = await c.post<{ event: Obj }>(`/violations/${id}/clear`);
		expect(cleared.status).toBe(200);
		expect(cleared.body.event).toMatchObject({ violationId: id, violationEventType: "alarm-cleared", clearedBy: "operator", metricValue: { count: 50_000 }, violationEventTime: t0 + 1000 });
		expect((await c.get<{ total: number }>("/violations/active")).body.total).toBe(0);
		expect(f.cloud.listActiveViolations()).toEqual([]);
		expect((await c.post(`/violations/${id}/clear`)).status).toBe(404);

		const hist = await c.get<{ items: Obj[]; nextToken: string | null }>(`/violations/history?start=${t0}&end=${t0 + 2000}&thingName=dev-1`);
		expect(hist.body.items.map((e) => [e.violationEventType, e.verificationState])).toEqual([["in-alarm", "TRUE_POSITIVE"], ["alarm-cleared", "TRUE_POSITIVE"]]);
		expect(hist.body.items[1].clearedBy).toBe("operator");
		expect(hist.body.nextToken).toBeNull();
		const paged = await c.get<{ items: Obj[]; nextToken: string | null }>(`/violations/history?start=${t0}&end=${t0 + 2000}&limit=1`);
		expect(paged.body.items).toHaveLength(1);
		const rest = await c.get<{ items: Obj[] }>(`/violations/history?start=${t0}&end=${t0 + 2000}&limit=1&nextToken=${paged.body.nextToken}`);
		expect(rest.body.items.map((e) => e.violationEventType)).toEqual(["alarm-cleared"]);
		expect((await c.get("/violations/history?nextToken=bogus")).status).toBe(400);

		// the cleared state is a fresh start: the next violating report raises a new alarm
		await report(d, "dev-1", 2, bytesOut(60_000));
		const again = await c.get<{ items: Obj[] }>("/violations/active");
		expect(again.body.items).toHaveLength(1);
		expect(again.body.items[0].violationId).not.toBe(id);
	});
});

async function waitFor(p: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
	const start = Date.now();
	while (!(await p())) {
		if (Date.now() - start > limitMs) throw new Error("timed out");
		await new Promise((r) => setTimeout(r, 20));
	}
}
