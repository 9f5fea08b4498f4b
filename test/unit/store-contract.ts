/*
 * store-contract — the store interface's behavior (cloud/store/backend.ts), one suite run against every
 * implementation: store-sqlite.test.ts (better-sqlite3) and store-pg.test.ts (a real PostgreSQL server).
 * `open()` gives a fresh, empty store; `reopen()` a second handle on the same data (after close()).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoreBackend } from "../../cloud/store/backend";
import type { StateRecord, ViolationEvent } from "../../cloud/detect/engine";
import type { SecurityProfile } from "../../cloud/detect/profile";
import type { OutboxRow } from "../../cloud/outbox-table";
import { partitionOf } from "../../cloud/store/partition";
import { HISTORY_PAGE } from "../../cloud/store-fleet";

export interface StoreUnderTest {
	store: StoreBackend;
	reopen(): Promise<StoreBackend>;
}

const profile = (name: string, behaviors: SecurityProfile["behaviors"] = []): SecurityProfile => ({ securityProfileName: name, behaviors });

function event(seq: number, o: Partial<ViolationEvent> = {}): ViolationEvent {
	return {
		violationId: `v-${seq}`,
		thingName: "dev-1",
		securityProfileName: "P",
		behavior: { name: "b", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than", value: { count: 10 } } },
		metricValue: { count: seq },
		violationEventType: "in-alarm",
		violationEventTime: 1_000 * seq,
		...o,
	};
}

const state = (thing: string, behavior = "b"): StateRecord => ({ profile: "P", behavior, thing, state: { inAlarm: true, violating: 0, conforming: 1, violationId: `v-${thing}` } });
const empty = { states: [], seen: [], gates: [], metrics: [], events: [] };

function row(id: string, target: string, created = 1): OutboxRow {
	return { id, target, payload: `{"id":"${id}"}`, attempts: 0, next_attempt_at: created, created_at: created };
}

export function storeContract(open: () => Promise<StoreUnderTest>): void {
	let open_: StoreBackend[] = [];
	const fresh = async (): Promise<StoreUnderTest> => {
		const t = await open();
		open_.push(t.store);
		return { store: t.store, reopen: async () => { const s = await t.reopen(); open_.push(s); return s; } };
	};
	afterEach(async () => {
		for (const s of open_) await s.close().catch(() => undefined);
		open_ = [];
	});

	describe("registry", () => {
		it("keeps profiles (a save replaces), targets and groups (saves are idempotent), across a reopen", async () => {
			const t = await fresh();
			await t.store.saveProfile(profile("A"));
			await t.store.saveProfile(profile("A", [{ name: "x", metric: "aws:all-bytes-out" }]));
			await t.store.saveProfile(profile("B"));
			for (let i = 0; i < 2; i++) {
				await t.store.saveTarget("A", "arn:all");
				await t.store.saveGroup("g");
				await t.store.saveMember("g", "dev-1");
			}
			await t.store.close();
			const r = await (await t.reopen()).loadRegistry();
			expect(r.profiles.sort((a, b) => a.securityProfileName.localeCompare(b.securityProfileName))).toEqual([profile("A", [{ name: "x", metric: "aws:all-bytes-out" }]), profile("B")]);
			expect(r.targets).toEqual([["A", "arn:all"]]);
			expect(r.groups).toHaveLength(2);
			expect(r.groups).toEqual(expect.arrayContaining([["g", "dev-1"], ["g", undefined]]));
		});
	});

	describe("per-thing state", () => {
		it("writes states (undefined deletes), gates and last-seen times in a batch and loads them back", async () => {
			const t = await fresh();
			// the engine's keys: profile NUL behavior NUL thing
			await t.store.writeBatch({ ...empty, states: [["P\u0000b\u0000dev-1", state("dev-1")], ["P\u0000b\u0000dev-2", state("dev-2")]], seen: [["dev-1", 5]], gates: [["dev-1", { lastReportId: 7, lastAcceptedAt: 9 }], ["dev-2", {}]] });
			await t.store.writeBatch({ ...empty, states: [["P\u0000b\u0000dev-2", undefined], ["P\u0000b\u0000dev-1", state("dev-1", "b")]], seen: [["dev-1", 6]], gates: [["dev-1", { lastReportId: 8, lastAcceptedAt: 10 }]] });
			const all = await t.store.loadThings();
			expect(all.states).toEqual([state("dev-1")]);
			expect(all.seen).toEqual([["dev-1", 6]]);
			// an empty gate is no gate (the things row's columns are null)
			expect(all.gates).toEqual(new Map([["dev-1", { lastReportId: 8, lastAcceptedAt: 10 }]]));
			await t.store.close();
			expect((await (await t.reopen()).loadThings()).states).toEqual([state("dev-1")]);
		});

		it("keeps only states that differ from the initial one (an initial state deletes the row)", async () => {
			const t = await fresh();
			const initial: StateRecord = { profile: "P", behavior: "b", thing: "dev-1", state: { inAlarm: false, violating: 0, conforming: 0 } };
			await t.store.writeBatch({ ...empty, states: [["P\u0000b\u0000dev-1", state("dev-1")], ["P\u0000c\u0000dev-1", state("dev-1", "c")]], seen: [["dev-1", 3]] });
			await t.store.writeBatch({ ...empty, states: [["P\u0000b\u0000dev-1", initial], ["P\u0000b\u0000never", undefined]] });
			const all = await t.store.loadThings();
			expect(all.states).toEqual([state("dev-1", "c")]);
			expect(all.seen).toEqual([["dev-1", 3]]);
		});

		it("loads the things of the given partitions only", async () => {
			const t = await fresh();
			const things = Array.from({ length: 40 }, (_, i) => `thing-${i}`);
			await t.store.writeBatch({ ...empty, states: things.map((th) => [`P\u0000b\u0000${th}`, state(th)]), seen: things.map((th) => [th, 1]), gates: things.map((th) => [th, { lastReportId: 1 }]) });
			const parts = [partitionOf("thing-3"), partitionOf("thing-17")];
			const mine = things.filter((th) => parts.includes(partitionOf(th)));
			const got = await t.store.loadThings(parts);
			expect(got.states.map((s) => s.thing).sort()).toEqual(mine.sort());
			expect(got.seen.map(([th]) => th).sort()).toEqual(mine.sort());
			expect([...got.gates.keys()].sort()).toEqual(mine.sort());
			expect((await t.store.loadThings([])).states).toEqual([]);
		});
	});

	describe("violation events", () => {
		it("lists in order with filters, a time range and pages", async () => {
			const t = await fresh();
			const stat = { name: "s", metric: "aws:all-bytes-out", criteria: { statisticalThreshold: { statistic: "p90" } } };
			await t.store.appendEvent(event(1));
			await t.store.writeBatch({ ...empty, events: [event(2, { thingName: "dev-2" }), event(3, { securityProfileName: "Q" }), event(4, { behavior: stat }), event(5, { behavior: { name: "q", suppressAlerts: true } })] });
			const ids = async (q: Parameters<StoreBackend["violationEvents"]>[0]): Promise<string[]> => (await t.store.violationEvents(q)).violationEvents.map((e) => e.violationId);
			expect(await ids({})).toEqual(["v-1", "v-2", "v-3", "v-4", "v-5"]);
			expect((await t.store.violationEvents()).violationEvents[0]).toEqual(event(1));
			expect(await ids({ thingName: "dev-2" })).toEqual(["v-2"]);
			expect(await ids({ securityProfileName: "Q" })).toEqual(["v-3"]);
			expect(await ids({ behaviorCriteriaType: "STATISTICAL" })).toEqual(["v-4"]);
			expect(await ids({ behaviorCriteriaType: "STATIC" })).toEqual(["v-1", "v-2", "v-3", "v-5"]);
			expect(await ids({ listSuppressedAlerts: false })).toEqual(["v-1", "v-2", "v-3", "v-4"]);
			expect(await ids({ startTime: 2_000, endTime: 4_000 })).toEqual(["v-2", "v-3"]);
			const first = await t.store.violationEvents({ maxResults: 2 });
			expect(first.violationEvents.map((e) => e.violationId)).toEqual(["v-1", "v-2"]);
			expect(first.nextToken).toBeTypeOf("string");
			const second = await t.store.violationEvents({ maxResults: 3, nextToken: first.nextToken });
			expect(second.violationEvents.map((e) => e.violationId)).toEqual(["v-3", "v-4", "v-5"]);
			expect(second.nextToken).toBeUndefined();
		});

		it("refuses a bad page size or token with a clear error", async () => {
			const t = await fresh();
			await expect(t.store.violationEvents({ maxResults: 0 })).rejects.toThrow(/maxResults must be an integer/);
			await expect(t.store.violationEvents({ nextToken: "x'; DROP TABLE events" })).rejects.toThrow(/nextToken is not one this cloud returned/);
		});

		it("prunes at most a batch of events older than a time", async () => {
			const t = await fresh();
			await t.store.writeBatch({ ...empty, events: [1, 2, 3, 4].map((i) => event(i)) });
			expect(await t.store.pruneEvents(3_500, 2)).toBe(2);
			expect(await t.store.pruneEvents(3_500, 2)).toBe(1);
			expect(await t.store.pruneEvents(3_500, 2)).toBe(0);
			expect((await t.store.violationEvents()).violationEvents.map((e) => e.violationId)).toEqual(["v-4"]);
		});
	});

	describe("metric history", () => {
		const HOUR = 3_600_000;
		it("returns one thing's metric in [start, end), oldest first, values of every shape", async () => {
			const t = await fresh();
			const m = (time: number, thing = "dev-1", metric = "aws:all-bytes-out") => ({ thing, metric, time, value: { count: time } });
			await t.store.writeBatch({ ...empty, metrics: [m(3), m(1), m(2), m(2, "dev-2"), m(2, "dev-1", "aws:all-bytes-in"), m(HOUR + 5)] });
			await t.store.writeBatch({ ...empty, metrics: [{ thing: "dev-1", metric: "aws:listening-tcp-ports", time: 4, value: { ports: [80, 443] } }] });
			const points = (times: number[]) => times.map((time) => ({ timestamp: time, value: { count: time } }));
			expect(await t.store.metricValues("dev-1", "aws:all-bytes-out")).toEqual(points([1, 2, 3, HOUR + 5]));
			expect(await t.store.metricValues("dev-1", "aws:all-bytes-out", 2, 3)).toEqual(points([2]));
			expect(await t.store.metricValues("dev-1", "aws:all-bytes-out", 3, HOUR + 6)).toEqual(points([3, HOUR + 5]));
			expect(await t.store.metricValues("dev-2", "aws:all-bytes-out")).toEqual(points([2]));
			expect(await t.store.metricValues("dev-1", "aws:listening-tcp-ports")).toEqual([{ timestamp: 4, value: { ports: [80, 443] } }]);
			expect(await t.store.metricValues("dev-1", "aws:num-messages-sent")).toEqual([]);
			expect(await t.store.metricValues("nobody", "aws:all-bytes-out")).toEqual([]);
		});

		it("hands ML training the datapoints of some metrics, every thing, a page at a time across hours", async () => {
			const t = await fresh();
			const rows: { thing: string; metric: string; time: number; value: { count: number } }[] = [];
			// more rows in one hour than a page holds (the page boundary falls inside one thing's rows), and a second hour
			for (let i = 0; i < HISTORY_PAGE + 50; i++) rows.push({ thing: i % 3 ? "dev-1" : "dev-2", metric: "aws:all-bytes-out", time: 10 + i, value: { count: i } });
			rows.push({ thing: "dev-3", metric: "aws:all-bytes-out", time: HOUR + 1, value: { count: -1 } });
			rows.push({ thing: "dev-3", metric: "aws:all-bytes-in", time: HOUR + 1, value: { count: 7 } });
			rows.push({ thing: "dev-3", metric: "aws:all-bytes-out", time: 3 * HOUR, value: { count: 9 } });
			await t.store.writeBatch({ ...empty, metrics: rows });
			const read = async (metrics: string[], from: number, to: number): Promise<{ pages: number; rows: string[] }> => {
				const out: string[] = [];
				let pages = 0;
				for (const p of t.store.metricHistoryPages(metrics, from, to)) {
					const page = await p;
					if (page.length) pages++;
					for (const r of page) out.push(`${r.thing} ${r.metric} ${r.time} ${JSON.stringify(r.value)}`);
				}
				return { pages, rows: out.sort() };
			};
			const all = await read(["aws:all-bytes-out"], 0, 2 * HOUR);
			expect(all.pages).toBeGreaterThanOrEqual(3);
			const expected = rows.filter((r) => r.metric === "aws:all-bytes-out" && r.time < 2 * HOUR).map((r) => `${r.thing} ${r.metric} ${r.time} ${JSON.stringify(r.value)}`);
			expect(all.rows).toEqual(expected.sort());
			expect((await read(["aws:all-bytes-in", "aws:all-bytes-out"], HOUR, 2 * HOUR)).rows).toEqual(["dev-3 aws:all-bytes-in 3600001 {\"count\":7}", "dev-3 aws:all-bytes-out 3600001 {\"count\":-1}"]);
			expect((await read(["aws:num-messages-sent"], 0, 4 * HOUR)).rows).toEqual([]);
			expect((await read(["aws:all-bytes-out"], 5 * HOUR, 6 * HOUR)).rows).toEqual([]);
		});

		it("keeps a dimension-scoped series under its own name, and merges two writes at the same time", async () => {
			const t = await fresh();
			const scoped = "aws:num-messages-sent[topics IN]";
			await t.store.writeBatch({ ...empty, metrics: [{ thing: "dev-1", metric: "aws:num-messages-sent", time: 7, value: { count: 1 } }] });
			await t.store.writeBatch({ ...empty, metrics: [{ thing: "dev-1", metric: scoped, time: 7, value: { count: 2 } }] });
			expect(await t.store.metricValues("dev-1", "aws:num-messages-sent")).toEqual([{ timestamp: 7, value: { count: 1 } }]);
			expect(await t.store.metricValues("dev-1", scoped)).toEqual([{ timestamp: 7, value: { count: 2 } }]);
		});

		it("prunes whole hours wholly before a time, in bounded batches (one row per thing per report)", async () => {
			const t = await fresh();
			const m = (time: number, thing = "dev-1", metric = "aws:all-bytes-out") => ({ thing, metric, time, value: { count: time } });
			// hour 0: three rows (dev-1 at 1 and 2, dev-2 at 2; the two metrics of dev-1 at 2 are one row); hour 1: one; hour 2: one
			await t.store.writeBatch({ ...empty, metrics: [m(1), m(2), m(2, "dev-1", "aws:all-bytes-in"), m(2, "dev-2"), m(HOUR + 1), m(2 * HOUR + 1)] });
			// the hour of the cut is kept whole
			expect(await t.store.pruneMetrics(2 * HOUR + 10, 2)).toBe(2);
			expect(await t.store.pruneMetrics(2 * HOUR + 10, 10)).toBe(2);
			expect(await t.store.pruneMetrics(2 * HOUR + 10, 10)).toBe(0);
			expect(await t.store.metricValues("dev-1", "aws:all-bytes-out")).toEqual([{ timestamp: 2 * HOUR + 1, value: { count: 2 * HOUR + 1 } }]);
			expect(await t.store.metricValues("dev-2", "aws:all-bytes-out")).toEqual([]);
		});
	});

	describe("verification states", () => {
		it("joins the violation's state into the history, filters on it (unset = UNKNOWN) and replaces it", async () => {
			const t = await fresh();
			await t.store.writeBatch({ ...empty, events: [event(1), event(2), event(3, { violationId: "v-1", violationEventType: "alarm-cleared" })] });
			expect(await t.store.hasViolation("v-2")).toBe(true);
			expect(await t.store.hasViolation("v-9")).toBe(false);
			await t.store.putVerification("v-1", { verificationState: "FALSE_POSITIVE", verificationStateDescription: "a test" }, 5);
			await t.store.putVerification("v-2", { verificationState: "BENIGN_POSITIVE" }, 5);
			const all = (await t.store.violationEvents()).violationEvents;
			expect(all[0]).toEqual({ ...event(1), verificationState: "FALSE_POSITIVE", verificationStateDescription: "a test" });
			expect(all[1]).toEqual({ ...event(2), verificationState: "BENIGN_POSITIVE" });
			expect(all[2]).toMatchObject({ violationId: "v-1", violationEventType: "alarm-cleared", verificationState: "FALSE_POSITIVE" });
			const ids = async (state: string): Promise<number[]> => (await t.store.violationEvents({ verificationState: state })).violationEvents.map((e) => e.violationEventTime);
			expect(await ids("FALSE_POSITIVE")).toEqual([1_000, 3_000]);
			expect(await ids("UNKNOWN")).toEqual([]);
			await t.store.putVerification("v-2", { verificationState: "UNKNOWN" }, 6);
			expect(await ids("UNKNOWN")).toEqual([2_000]);
			expect((await t.store.violationEvents({ verificationState: "UNKNOWN" })).violationEvents[0]).toEqual({ ...event(2), verificationState: "UNKNOWN" });
			await t.store.close();
			expect(await (await t.reopen()).violationEvents({ verificationState: "FALSE_POSITIVE" })).toMatchObject({ violationEvents: [{ violationId: "v-1" }, { violationId: "v-1" }] });
		});
	});

	describe("outbox", () => {
		it("delivers per target in insertion order; add is idempotent by id; retry, remove, count, prune", async () => {
			const t = await fresh();
			const o = t.store.outbox;
			await o.add([row("a1", "A", 1), row("b1", "B", 2), row("a2", "A", 3)]);
			await o.add([row("a1", "A", 1)]);
			expect(await o.count()).toBe(3);
			expect((await o.targets()).sort()).toEqual(["A", "B"]);
			expect(await o.head("A")).toEqual(row("a1", "A", 1));
			await o.retryAt("a1", 2, 99);
			expect(await o.head("A")).toMatchObject({ id: "a1", attempts: 2, next_attempt_at: 99 });
			await o.remove("a1");
			expect((await o.head("A"))?.id).toBe("a2");
			expect(await o.head("C")).toBeUndefined();
			expect(await o.prune(3, 10)).toBe(1);
			expect(await o.count()).toBe(1);
		});
	});
}
