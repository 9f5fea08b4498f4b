/*
 * The cloud with its Detect state in a real PostgreSQL server (startCloud's `database`): a restart on the same
 * database keeps profiles, groups, alarms, history and report gates; a report's reply is sent only once
 * its effects are committed; a bad database fails the start with a clear error.
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCloud } from "../../cloud/index";
import { VirtualClock } from "../../hardware/host/virtual-clock";
import { nextMessage, startTestCloud, tempDir, until, type CloudFixture } from "../helpers/cloud-setup";
import { startPostgres, type Postgres } from "../helpers/postgres";
import { AttachSecurityProfileCommand, CreateMitigationActionCommand, CreateSecurityProfileCommand, DescribeDetectMitigationActionsTaskCommand, ListDetectMitigationActionsExecutionsCommand, GetBehaviorModelTrainingSummariesCommand, ListActiveViolationsCommand, ListMetricValuesCommand, ListViolationEventsCommand, PutVerificationStateOnViolationCommand, StartDetectMitigationActionsTaskCommand } from "@aws-sdk/client-iot";
import { openPgStore } from "../../cloud/store/pg-store";
import { report as apiReport, sdkFailure, startApiCloud } from "../helpers/api-setup";

const MIN5 = 300_000;
const PORTS = { name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8883] } } };
const report = (rid: number, ports: number[]): string => JSON.stringify({ hed: { rid, v: "1.0" }, met: { tp: { pts: ports.map((pt) => ({ pt })) } } });

let server: Postgres;
let fixtures: CloudFixture[] = [];
beforeAll(async () => {
	server = await startPostgres();
}, 60_000);
afterEach(async () => {
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});
afterAll(async () => server?.stop(), 30_000);

describe("cloud on PostgreSQL", () => {
	it("keeps profiles, groups, violations, history and report gates across a restart", async () => {
		const dir = tempDir();
		const clock = new VirtualClock(Date.UTC(2026, 0, 1));
		const database = await server.createDatabase("cloud_restart");
		const options = { database, pkiDir: join(dir, "pki"), clock, minReportIntervalSeconds: 300 };
		const first = await startTestCloud(options, dir);
		first.cloud.createThingGroup("g");
		first.cloud.addThingToThingGroup("dev", "g");
		first.cloud.createSecurityProfile({ securityProfileName: "Ports", behaviors: [PORTS] });
		first.cloud.attachSecurityProfile("Ports", "arn:aws:iot:local:000000000000:thinggroup/g");
		const dev = await first.connect("dev");
		await dev.subscribeAsync("$aws/things/dev/defender/metrics/json/+", { qos: 1 });
		const ok = nextMessage(dev, "$aws/things/dev/defender/metrics/json/accepted");
		dev.publish("$aws/things/dev/defender/metrics/json", report(5, [23]));
		await ok;
		// the reply waited for the commit: the alarm is in the database already
		const history = await first.cloud.queryViolationEventsAsync();
		expect(history.violationEvents.map((e) => [e.thingName, e.behavior.name, e.violationEventType])).toEqual([["dev", "ports", "in-alarm"]]);
		expect(() => first.cloud.listViolationEvents()).toThrow(/read the history asynchronously/);
		dev.end(true);
		await first.cloud.stop();

		const second = await startTestCloud(options, dir);
		fixtures.push(second);
		expect(second.cloud.listSecurityProfiles()).toEqual([{ securityProfileName: "Ports", targets: ["arn:aws:iot:local:000000000000:thinggroup/g"] }]);
		expect(second.cloud.listActiveViolations().map((v) => [v.thingName, v.behavior.name, v.lastViolationValue])).toEqual([["dev", "ports", { ports: [23] }]]);
		const again = await second.connect("dev");
		await again.subscribeAsync("$aws/things/dev/defender/metrics/json/+", { qos: 1 });
		const throttled = nextMessage(again, "$aws/things/dev/defender/metrics/json/rejected");
		again.publish("$aws/things/dev/defender/metrics/json", report(5, []));
		again.publish("$aws/things/dev/defender/metrics/json", report(6, []));
		expect(JSON.parse((await throttled).toString())).toMatchObject({ reportId: 6, statusDetails: { ErrorCode: "Throttled" } });
		expect(second.logs.some((l) => l.includes("duplicate report id 5"))).toBe(true);
		clock.advance(MIN5);
		const cleared = nextMessage(again, "$aws/things/dev/defender/metrics/json/accepted");
		again.publish("$aws/things/dev/defender/metrics/json", report(7, []));
		await cleared;
		expect((await second.cloud.queryViolationEventsAsync()).violationEvents.map((e) => e.violationEventType)).toEqual(["in-alarm", "alarm-cleared"]);
		expect((await second.cloud.listMetricValuesAsync("dev", "aws:listening-tcp-ports")).map((d) => d.value)).toEqual([{ ports: [23] }, { ports: [] }]);
	}, 60_000);

	it("holds writes while the server is down: the reply waits for the commit, nothing is lost", async () => {
		const dir = tempDir();
		const clock = new VirtualClock(Date.UTC(2026, 0, 1));
		const database = await server.createDatabase("cloud_outage");
		const f = await startTestCloud({ database, pkiDir: join(dir, "pki"), clock }, dir);
		fixtures.push(f);
		f.cloud.createSecurityProfile({ securityProfileName: "Ports", behaviors: [PORTS] });
		f.cloud.attachSecurityProfile("Ports", f.cloud.allThingsArn);
		await f.cloud.queryViolationEventsAsync(); // the registry writes are committed
		const dev = await f.connect("dev");
		await dev.subscribeAsync("$aws/things/dev/defender/metrics/json/+", { qos: 1 });
		await server.halt();
		let replied = false;
		const ok = nextMessage(dev, "$aws/things/dev/defender/metrics/json/accepted").then((m) => ((replied = true), m));
		dev.publish("$aws/things/dev/defender/metrics/json", report(1, [23]));
		await until(() => f.logs.some((l) => l.startsWith("store: cannot write")), "the write failure logged", 30_000);
		expect(replied, "no reply before the commit").toBe(false);
		await server.resume();
		expect(JSON.parse((await ok).toString())).toMatchObject({ reportId: 1, status: "ACCEPTED" });
		await until(() => f.logs.some((l) => l.startsWith("store: PostgreSQL writes again")), "the recovery logged", 30_000);
		expect((await f.cloud.queryViolationEventsAsync()).violationEvents.map((e) => [e.thingName, e.violationEventType])).toEqual([["dev", "in-alarm"]]);
	}, 120_000);

	it("the API (real @aws-sdk/client-iot) lists violation events and metric values from PostgreSQL", async () => {
		const f = await startApiCloud({ database: await server.createDatabase("cloud_api"), clock: new VirtualClock(Date.UTC(2026, 0, 1)) });
		fixtures.push(f);
		await f.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "Ports", behaviors: [PORTS] as never }));
		f.cloud.attachSecurityProfile("Ports", f.cloud.allThingsArn);
		const dev = await f.connect("dev");
		await apiReport(dev, "dev", 1, { tp: { pts: [{ pt: 23 }] } });
		const window = { startTime: new Date(Date.UTC(2025, 0, 1)), endTime: new Date(Date.UTC(2027, 0, 1)) };
		const events = await f.iot.send(new ListViolationEventsCommand(window));
		expect(events.violationEvents?.map((e) => [e.thingName, e.behavior?.name, e.violationEventType])).toEqual([["dev", "ports", "in-alarm"]]);
		const values = await f.iot.send(new ListMetricValuesCommand({ ...window, thingName: "dev", metricName: "aws:listening-tcp-ports" }));
		expect(values.metricDatumList?.map((d) => d.value?.ports)).toEqual([[23]]);
		// verification states: kept in PostgreSQL and joined into ListViolationEvents (filter included)
		const violationId = events.violationEvents?.[0]?.violationId;
		await f.iot.send(new PutVerificationStateOnViolationCommand({ violationId, verificationState: "FALSE_POSITIVE", verificationStateDescription: "lab" }));
		const verified = await f.iot.send(new ListViolationEventsCommand({ ...window, verificationState: "FALSE_POSITIVE" }));
		expect(verified.violationEvents?.map((e) => [e.violationId, e.verificationState, e.verificationStateDescription])).toEqual([[violationId, "FALSE_POSITIVE", "lab"]]);
		expect((await f.iot.send(new ListViolationEventsCommand({ ...window, verificationState: "UNKNOWN" }))).violationEvents).toEqual([]);
		expect(await sdkFailure(f.iot.send(new PutVerificationStateOnViolationCommand({ violationId: "no-such-violation", verificationState: "TRUE_POSITIVE" })))).toEqual(["InvalidRequestException", 400]);
		// a mitigation task over a range of the history reads it from PostgreSQL, then acts on the thing
		f.cloud.createThingGroup("quarantine");
		await f.iot.send(new CreateMitigationActionCommand({ actionName: "Q", roleArn: "arn:aws:iam::000000000000:role/mitigation", actionParams: { addThingsToThingGroupParams: { thingGroupNames: ["quarantine"] } } }));
		const task = { taskId: "h1", target: { securityProfileName: "Ports" }, actions: ["Q"], clientRequestToken: "t", includeOnlyActiveViolations: false, violationEventOccurrenceRange: window };
		await f.iot.send(new StartDetectMitigationActionsTaskCommand(task));
		f.clock.advance(0);
		const summary = async () => (await f.iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: "h1" }))).taskSummary;
		for (let i = 0; i < 100 && (await summary())?.taskStatus === "IN_PROGRESS"; i++) await new Promise((r) => setTimeout(r, 20));
		expect(await summary()).toMatchObject({ taskStatus: "SUCCESSFUL", taskStatistics: { actionsExecuted: 1, actionsSkipped: 0, actionsFailed: 0 } });
		const runs = await f.iot.send(new ListDetectMitigationActionsExecutionsCommand({ taskId: "h1" }));
		expect(runs.actionsExecutions?.map((e) => [e.thingName, e.actionName, e.status, e.violationId])).toEqual([["dev", "Q", "SUCCESSFUL", violationId]]);
	}, 60_000);

	it("ML Detect: trained from the history in PostgreSQL, its model kept there across a restart", async () => {
		const dir = tempDir();
		const database = await server.createDatabase("cloud_ml");
		const ML = { trainingDays: 2 / 24, minDatapoints: 20 };
		const behavior = { name: "bytes-out", metric: "aws:all-bytes-out", criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" as const } } };
		const f = await startApiCloud({ database, ml: ML }, dir);
		fixtures.push(f);
		const summaries = async (g: typeof f): Promise<Record<string, unknown>[]> => ((await g.iot.send(new GetBehaviorModelTrainingSummariesCommand({ securityProfileName: "ml" }))).summaries ?? []) as Record<string, unknown>[];
		const tick = async (ms: number): Promise<void> => {
			f.clock.advance(ms);
			await f.cloud.ticked();
		};
		await f.iot.send(new CreateSecurityProfileCommand({ securityProfileName: "ml", behaviors: [behavior] }));
		await f.iot.send(new AttachSecurityProfileCommand({ securityProfileName: "ml", securityProfileTargetArn: f.cloud.allThingsArn }));
		await tick(60_000);
		const start = f.clock.now();
		expect(await summaries(f)).toMatchObject([{ behaviorName: "bytes-out", modelStatus: "PENDING_BUILD", trainingDataCollectionStartDate: new Date(start) }]);
		const device = await f.connect("dev-ml");
		for (let rid = 1; rid <= 24; rid++) {
			await tick(300_000);
			await apiReport(device, "dev-ml", rid, { ns: { bi: 100, bo: 10_000 + (rid % 4) * 300, pi: 5, po: 9 } });
		}
		// the model trains from the rows the reports left in PostgreSQL, on the first tick after the 2-hour period
		for (let i = 0; i < 10 && (await summaries(f))[0]?.modelStatus !== "ACTIVE"; i++) await tick(60_000);
		const [active] = await summaries(f);
		expect(active).toMatchObject({ modelStatus: "ACTIVE", datapointsCollectionPercentage: 100 });
		await tick(300_000);
		await apiReport(device, "dev-ml", 25, { ns: { bi: 100, bo: 400_000, pi: 5, po: 9 } });
		const alarms = await f.iot.send(new ListActiveViolationsCommand({ securityProfileName: "ml" }));
		expect(alarms.activeViolations?.map((v) => [v.thingName, v.behavior?.name, v.violationEventAdditionalInfo?.confidenceLevel])).toEqual([["dev-ml", "bytes-out", "HIGH"]]);
		// the record and the device baselines are in PostgreSQL (migration 003), nothing in the process's SQLite
		const pg = await openPgStore(database);
		const stored = await pg.pool.query<{ json: string }>("SELECT json FROM ml_models");
		const parts = await pg.pool.query<{ generation: number; json: string }>("SELECT generation, json FROM ml_model_devices");
		await pg.close();
		expect(stored.rows.map((r) => JSON.parse(r.json).status)).toEqual(["ACTIVE"]);
		expect(parts.rows.map((r) => [r.generation, Object.keys(JSON.parse(r.json))])).toEqual([[JSON.parse(stored.rows[0]?.json ?? "{}").devicesGeneration, ["dev-ml"]]]);
		device.end(true);
		await f.cloud.stop();
		// a restart on the same database (and a fresh data dir): the model is kept, no 2 hours of collection again
		const g = await startApiCloud({ database, ml: ML, clock: f.clock }, tempDir());
		fixtures.push(g);
		f.clock.advance(60_000);
		await g.cloud.ticked();
		expect((await summaries(g))[0]).toMatchObject({ modelStatus: "ACTIVE", lastModelRefreshDate: active?.lastModelRefreshDate, trainingDataCollectionStartDate: new Date(start) });
	}, 120_000);

	it("refuses to start a cluster on a database holding ML behaviors", async () => {
		const dir = tempDir();
		const database = await server.createDatabase("cloud_cluster_ml");
		const pg = await openPgStore(database);
		await pg.saveProfile({ securityProfileName: "Ml", behaviors: [{ name: "ml", metric: "aws:all-bytes-out", criteria: { mlDetectionConfig: { confidenceLevel: "HIGH" } } }] });
		await pg.close();
		// refused before the broker is dialled: the unreachable broker URL is never used
		const cluster = { port: 0, database, cluster: { node: "a" }, broker: { url: "mqtts://127.0.0.1:1" }, pkiDir: join(dir, "pki"), log: () => undefined };
		await expect(startCloud(cluster)).rejects.toThrow(/ML Detect \(MACHINE_LEARNING behaviors\) is not available in a cluster \(--node\) yet.*the database holds ML behaviors \(Ml\/ml\)/);
	}, 60_000);

	it("fails to start with a clear error for a wrong password or an unreachable server", async () => {
		const dir = tempDir();
		const wrong = server.url("postgres").replace(/:[^:@/]+@/, ":nope@");
		await expect(startCloud({ port: 0, database: wrong, pkiDir: join(dir, "pki"), log: () => undefined })).rejects.toThrow(/refused the login: authentication failed/);
		await expect(startCloud({ port: 0, database: "postgres://u:p@127.0.0.1:1/db", pkiDir: join(dir, "pki"), log: () => undefined })).rejects.toThrow(
			"PostgreSQL at postgres://u:***@127.0.0.1:1/db is unreachable (ECONNREFUSED)",
		);
		await expect(startCloud({ port: 0, cluster: { node: "a" }, pkiDir: join(dir, "pki"), log: () => undefined })).rejects.toThrow(/cluster: the cloud processes share one external broker/);
	}, 60_000);
});
