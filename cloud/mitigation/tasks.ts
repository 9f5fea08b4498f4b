/*
 * tasks — StartDetectMitigationActionsTask, run for real: the task picks its violations (by violationIds,
 * or by securityProfileName [+ behaviorName]; the active ones, or those with an in-alarm event in
 * violationEventOccurrenceRange when includeOnlyActiveViolations is false; violations of behaviors with
 * suppressAlerts only with includeSuppressedAlerts) and applies each action to each violation's thing:
 * ADD_THINGS_TO_THING_GROUP adds the thing to every group named (SKIPPED when it is in all of them already).
 * The work runs on the cloud's clock (a 0 ms timer, BATCH violations per turn), so a task stays
 * IN_PROGRESS until its first turn and CancelDetectMitigationActionsTask can stop it between turns.
 */
import type { Clock } from "../../modules/platform/platform";
import type { ViolationEvent } from "../detect/engine";
import type { Behavior } from "../detect/profile";
import type { ActiveViolation, ViolationFilter } from "../violations";
import type { EventQuery } from "../store";
import type { ExecutionRecord, MitigationStore, TaskRecord } from "./store";

const BATCH = 100;

export interface Violation {
	violationId: string;
	thingName: string;
	securityProfileName: string;
	behavior: Behavior;
}

/** What a task needs from the running cloud. */
export interface TaskDeps {
	store: MitigationStore;
	clock: Clock;
	log: (s: string) => void;
	activeViolations(filter: ViolationFilter): ActiveViolation[];
	/** the violation history (read asynchronously: it may be in PostgreSQL) */
	violationEvents(query: EventQuery): Promise<{ violationEvents: ViolationEvent[]; nextToken?: string }>;
	groupsOf(thing: string): string[];
	hasThingGroup(group: string): boolean;
	addThingToThingGroup(thing: string, group: string): void;
	/** false once the API is closed: a pending turn then does nothing (the task resumes at the next start) */
	running(): boolean;
}

async function inAlarmEvents(d: TaskDeps, filter: ViolationFilter): Promise<Violation[]> {
	const out = new Map<string, Violation>();
	let nextToken: string | undefined;
	do {
		const page = await d.violationEvents({ ...filter, nextToken });
		for (const e of page.violationEvents) if (e.violationEventType === "in-alarm") out.set(e.violationId, e);
		nextToken = page.nextToken;
	} while (nextToken !== undefined);
	return [...out.values()];
}

/** The violations a task targets: the active ones at once, those of a range of the history once read. */
export function targetViolations(d: TaskDeps, t: TaskRecord): Violation[] | Promise<Violation[]> {
	const filter: ViolationFilter = { securityProfileName: t.target.securityProfileName, listSuppressedAlerts: t.suppressed };
	const ids = t.target.violationIds && new Set(t.target.violationIds);
	const pick = (all: Violation[]): Violation[] =>
		all
			.filter((v) => !ids || ids.has(v.violationId))
			.filter((v) => t.target.behaviorName === undefined || v.behavior.name === t.target.behaviorName)
			.filter((v) => t.suppressed || v.behavior.suppressAlerts !== true)
			.sort((a, b) => (a.violationId < b.violationId ? -1 : 1));
	if (t.onlyActive || !t.range) return pick(d.activeViolations(filter));
	return inAlarmEvents(d, { ...filter, startTime: t.range.startTime, endTime: t.range.endTime }).then(pick);
}

function execute(d: TaskDeps, t: TaskRecord, v: Violation): void {
	for (const a of t.actions) {
		const now = d.clock.now();
		const e: ExecutionRecord = { taskId: t.taskId, violationId: v.violationId, actionName: a.name, thingName: v.thingName, started: now, ended: now, status: "SUCCESSFUL" };
		const groups = a.params.addThingsToThingGroupParams.thingGroupNames;
		const missing = groups.filter((g) => !d.hasThingGroup(g));
		const already = new Set(d.groupsOf(v.thingName));
		if (missing.length > 0) Object.assign(e, { status: "FAILED", errorCode: "ResourceNotFoundException", message: `thing group ${missing.join(", ")} does not exist` });
		else if (groups.every((g) => already.has(g))) Object.assign(e, { status: "SKIPPED", message: `${v.thingName} is already in ${groups.join(", ")}` });
		else {
			for (const g of groups) if (!already.has(g)) d.addThingToThingGroup(v.thingName, g);
			e.message = `${v.thingName} added to ${groups.join(", ")}`;
		}
		t.stats[e.status === "SUCCESSFUL" ? "actionsExecuted" : e.status === "SKIPPED" ? "actionsSkipped" : "actionsFailed"]++;
		d.store.putExecution(e);
		d.log(`mitigation: task ${t.taskId}: ${a.name} on ${v.thingName} (${v.violationId}): ${e.status}${e.message ? `: ${e.message}` : ""}`);
	}
}

/** Resumes the tasks a stopped cloud left IN_PROGRESS. */
export function resumeTasks(d: TaskDeps): void {
	for (const t of d.store.tasks(0, Number.MAX_SAFE_INTEGER)) if (t.status === "IN_PROGRESS") runTask(d, t.taskId);
}

/** a task whose history read failed tries again after this long */
const HISTORY_RETRY_MS = 5_000;

/** Runs a started task on the clock, BATCH violations per turn, until done or cancelled. */
export function runTask(d: TaskDeps, taskId: string): void {
	let queue: Violation[] | undefined;
	let reading = false;
	const turn = (): void => {
		if (!d.running()) return;
		const t = d.store.task(taskId);
		if (!t || t.status !== "IN_PROGRESS") return;
		if (queue === undefined) {
			if (reading) return;
			// resumed after a restart: violations already executed are not run (or counted) again
			const done = new Set(d.store.executions({ taskId }).map((e) => e.violationId));
			const targets = targetViolations(d, t);
			if (targets instanceof Promise) {
				// a range of the history: the turn goes on once it is read (PostgreSQL answers asynchronously)
				reading = true;
				targets.then(
					(all) => {
						reading = false;
						queue = all.filter((v) => !done.has(v.violationId));
						turn();
					},
					(e: unknown) => {
						reading = false;
						d.log(`mitigation: task ${taskId}: the violation history could not be read (${e instanceof Error ? e.message : String(e)}); again in ${HISTORY_RETRY_MS / 1000} s`);
						d.clock.set(turn, HISTORY_RETRY_MS);
					},
				);
				return;
			}
			queue = targets.filter((v) => !done.has(v.violationId));
		}
		for (const v of queue.splice(0, BATCH)) execute(d, t, v);
		if (queue.length === 0) Object.assign(t, { status: t.stats.actionsFailed > 0 ? "FAILED" : "SUCCESSFUL", ended: d.clock.now() });
		d.store.putTask(t);
		if (t.status === "IN_PROGRESS") d.clock.set(turn, 0);
	};
	d.clock.set(turn, 0);
}
