/*
 * Persistence under load and trouble: the event history is never loaded at start and is pruned in bounded
 * batches; the write-behind writes only what changed (report gates inside the batch); a full disk is
 * survived with one clear log line and recovered from.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PRUNE_BATCH } from "../../cloud/retention";
import type { ViolationEvent } from "../../cloud/detect/engine";
import { reportTopic } from "../../cloud/reports/topics";
import { CloudStore } from "../../cloud/store";
import { LIMITS } from "../../modules/facts/facts";
import { reportFixtures } from "../fixtures/reports";
import { startTestCloud, tempDir, type CloudFixture } from "../helpers/cloud-setup";
import { spySqlite } from "../helpers/sqlite-spy";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);
const REPORT = Buffer.from(reportFixtures[1].jsonLong);
const FLAPPING = {
	securityProfileName: "Size",
	behaviors: [{ name: "small", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 1000 } } }],
};

let fixtures: CloudFixture[] = [];
afterEach(async () => {
	vi.restoreAllMocks();
	for (const f of fixtures) await f.cleanup();
	fixtures = [];
});

async function cloudOn(dataDir: string): Promise<CloudFixture> {
	const f = await startTestCloud({ dataDir });
	fixtures.push(f);
	return f;
}

const event = (thing: string, time: number): ViolationEvent => ({
	violationId: `${thing}-${time}`,
	thingName: thing,
	securityProfileName: "p",
	behavior: { name: "b", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than", value: { count: 1 } } },
	violationEventType: "in-alarm",
	violationEventTime: time,
});

/** A data dir whose history holds `old` events past retention and `recent` ones within it. */
function seed(dataDir: string, old: number, recent: number): void {
	new CloudStore(dataDir).close();
	const db = new Database(join(dataDir, "cloud.sqlite"));
	const put = db.prepare("INSERT INTO events (time, thing, profile, json) VALUES (?, ?, ?, ?)");
	const events = [...Array.from({ length: old }, (_, i) => event("old", NOW - 31 * DAY + i)), ...Array.from({ length: recent }, (_, i) => event("new", NOW - DAY + i))];
	db.transaction(() => {
		for (const e of events) put.run(e.violationEventTime, e.thingName, e.securityProfileName, JSON.stringify(e));
	})();
	db.close();
}

function countEvents(dataDir: string): { old: number; recent: number } {
	const db = new Database(join(dataDir, "cloud.sqlite"), { readonly: true });
	const n = (thing: string): number => (db.prepare("SELECT count(*) AS n FROM events WHERE thing = ?").get(thing) as { n: number }).n;
	const counts = { old: n("old"), recent: n("new") };
	db.close();
	return counts;
}

describe("cloud event history", () => {
	it("starts without reading the history, answers ListViolationEvents from the store with a limit", async () => {
		const dataDir = join(tempDir(), "data");
		seed(dataDir, 20_000, 10);
		const sql = spySqlite();
		const f = await cloudOn(dataDir);
		expect(sql.prepared.filter((s) => /\bevents\b/.test(s) && !/^\s*(INSERT|CREATE)/i.test(s))).toEqual([]);
		expect(f.cloud.listViolationEvents({ maxResults: 5 })).toHaveLength(5);
		const page = f.cloud.queryViolationEvents({ thingName: "new", startTime: NOW - 2 * DAY, maxResults: 4 });
		expect(page.violationEvents.map((e) => e.violationEventTime)).toEqual([0, 1, 2, 3].map((i) => NOW - DAY + i));
		expect(f.cloud.queryViolationEvents({ thingName: "new", nextToken: page.nextToken }).violationEvents).toHaveLength(6);
	});

	it(`prunes events past ${LIMITS.violationRetentionDays} days in batches of ${PRUNE_BATCH} per tick, keeping the rest`, async () => {
		const dataDir = join(tempDir(), "data");
		seed(dataDir, 2 * PRUNE_BATCH + 100, 10);
		const f = await cloudOn(dataDir);
		f.cloud.tick();
		expect(countEvents(dataDir)).toEqual({ old: PRUNE_BATCH + 100, recent: 10 });
		f.cloud.tick();
		f.cloud.tick();
		expect(countEvents(dataDir)).toEqual({ old: 0, recent: 10 });
		f.clock.setWall(NOW + LIMITS.violationRetentionDays * DAY);
		f.cloud.tick();
		expect(countEvents(dataDir)).toEqual({ old: 0, recent: 0 });
	});
});

describe("cloud write-behind", () => {
	it("writes O(1) rows after one report in a fleet of 2,000, the report gate inside the batch", async () => {
		const sql = spySqlite();
		const f = await cloudOn(join(tempDir(), "data"));
		const hooks = f.cloud.hooks();
		for (let i = 0; i < 2000; i++) hooks.connectAttempt(`thing-${i}`);
		f.cloud.flush();
		const before = sql.changes();
		hooks.fromDevice("dev", reportTopic("dev", "json"), REPORT);
		expect(sql.changes() - before).toBe(0);
		f.cloud.flush();
		const metrics = f.cloud.listMetricValues("dev", "aws:all-bytes-in").length;
		expect(metrics).toBe(1);
		const written = sql.changes() - before;
		expect(written).toBeGreaterThan(2);
		expect(written).toBeLessThan(20);
		f.cloud.flush();
		expect(sql.changes() - before).toBe(written);
	});
});

describe("cloud on a full disk or a read-only database", () => {
	async function flapping(): Promise<{ f: CloudFixture; db: Database.Database; events: () => number }> {
		const sql = spySqlite();
		const f = await cloudOn(join(tempDir(), "data"));
		f.cloud.createSecurityProfile(FLAPPING);
		f.cloud.attachSecurityProfile("Size", f.cloud.allThingsArn);
		let events = 0;
		f.cloud.onViolationEvent(() => events++);
		return { f, db: sql.connections[0], events: () => events };
	}
	const flap = (f: CloudFixture, n: number): void => {
		for (let i = 0; i < n; i++) f.cloud.hooks().fromDevice("dev", "/data", Buffer.alloc(i % 2 ? 10 : 2000));
	};

	it("keeps serving, logs once what is not recorded, and records it when writing works again", async () => {
		const { f, db, events } = await flapping();
		db.pragma("query_only = ON");
		f.cloud.hooks().fromDevice("dev", reportTopic("dev", "json"), REPORT);
		f.cloud.flush();
		flap(f, 41);
		f.cloud.flush();
		const failures = f.logs.filter((l) => l.startsWith("store: cannot write"));
		expect(failures).toEqual([expect.stringMatching(/^store: cannot write \(SQLITE_READONLY: [^)]*\); not recorded yet, held in memory and retried: 1 report gate \(dev\), 11 metric rows, /)]);
		expect(f.cloud.listActiveViolations().map((v) => v.thingName)).toEqual(["dev"]);
		db.pragma("query_only = OFF");
		f.cloud.flush();
		expect(f.logs.filter((l) => l.startsWith("store: writing again"))).toEqual([expect.stringMatching(`recorded what was held: ${events()} violation events, 1 report gate \\(dev\\), 11 metric rows`)]);
		expect(f.cloud.listViolationEvents({ thingName: "dev" })).toHaveLength(events());
		expect(f.cloud.listMetricValues("dev", "aws:all-bytes-in")).toHaveLength(1);
	});

	it("survives SQLITE_FULL (PRAGMA max_page_count) and records the held events when space returns", async () => {
		const { f, db, events } = await flapping();
		db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
		flap(f, 400);
		f.cloud.flush();
		expect(f.logs.filter((l) => l.startsWith("store: cannot write"))).toEqual([expect.stringMatching(/^store: cannot write \(SQLITE_FULL: database or disk is full\); not recorded yet/)]);
		expect(f.cloud.listViolationEvents({ thingName: "dev" }).length).toBeLessThan(events());
		db.pragma("max_page_count = 1000000");
		f.cloud.flush();
		expect(f.logs.filter((l) => l.startsWith("store: writing again"))).toHaveLength(1);
		expect(f.cloud.queryViolationEvents({ thingName: "dev" }).violationEvents).toHaveLength(events());
	});
});
