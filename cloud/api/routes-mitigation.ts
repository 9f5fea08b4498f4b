/*
 * routes-mitigation — Detect mitigation over the AWS IoT REST-JSON API: Create/Describe/Update/Delete/
 * ListMitigationActions (ADD_THINGS_TO_THING_GROUP only: the one action type AWS runs for Detect; the
 * Audit types are refused by name), and Start/Describe/List/CancelDetectMitigationActionsTask(s) and
 * ListDetectMitigationActionsExecutions. Tasks run for real (cloud/mitigation/tasks.ts).
 */
import { ARN_PREFIX } from "../detect/registry";
import { runTask, type TaskDeps } from "../mitigation/tasks";
import type { ActionRecord, AddThingsParams, ExecutionRecord, MitigationStore, TaskRecord } from "../mitigation/store";
import type { ApiContext } from "./context";
import { exists, invalid, notFound } from "./errors";
import { bodyObject, bodyString, page, seconds, timeQuery } from "./params";
import type { Call, Routes } from "./router";

const ACTION_TYPE = "ADD_THINGS_TO_THING_GROUP";
const OTHER_PARAMS = ["updateDeviceCertificateParams", "updateCACertificateParams", "replaceDefaultPolicyVersionParams", "enableIoTLoggingParams", "publishFindingToSnsParams"];
const MAX_GROUPS = 10;
const MAX_ACTIONS = 5;
const NAME = /^[a-zA-Z0-9_-]{1,128}$/;

const actionArn = (name: string): string => `${ARN_PREFIX}mitigationaction/${name}`;

function paramsOf(c: Call): ActionRecord["params"] {
	const p = bodyObject(c, "actionParams");
	if (!p) throw invalid("actionParams is required");
	const other = Object.keys(p).filter((k) => k !== "addThingsToThingGroupParams");
	if (other.length > 0) {
		const known = other.filter((k) => OTHER_PARAMS.includes(k));
		throw invalid(`${other.join(", ")}: ${known.length ? "an Audit mitigation action type; " : ""}only addThingsToThingGroupParams (${ACTION_TYPE}, the Detect mitigation action) is supported`);
	}
	const a = p.addThingsToThingGroupParams as Partial<AddThingsParams> | undefined;
	if (typeof a !== "object" || a === null) throw invalid(`actionParams.addThingsToThingGroupParams is required (only ${ACTION_TYPE} is supported)`);
	const groups = a.thingGroupNames;
	if (!Array.isArray(groups) || groups.length < 1 || groups.length > MAX_GROUPS || !groups.every((g) => typeof g === "string" && /^[a-zA-Z0-9:_-]{1,128}$/.test(g))) {
		throw invalid(`addThingsToThingGroupParams.thingGroupNames must list 1 to ${MAX_GROUPS} thing group names`);
	}
	if (a.overrideDynamicGroups !== undefined && typeof a.overrideDynamicGroups !== "boolean") throw invalid("overrideDynamicGroups must be a boolean");
	return { addThingsToThingGroupParams: { thingGroupNames: groups, ...(a.overrideDynamicGroups === undefined ? {} : { overrideDynamicGroups: a.overrideDynamicGroups }) } };
}

function roleArnOf(c: Call): string {
	const r = bodyString(c, "roleArn", true);
	if (r.length < 20 || r.length > 2048) throw invalid("roleArn must be 20 to 2048 characters");
	return r;
}

function action(store: MitigationStore, name: string): ActionRecord {
	const a = store.action(name);
	if (!a) throw notFound(`mitigation action ${name} does not exist`);
	return a;
}

function describeAction(a: ActionRecord): object {
	return { actionName: a.name, actionType: ACTION_TYPE, actionArn: actionArn(a.name), actionId: a.id, roleArn: a.roleArn, actionParams: a.params, creationDate: seconds(a.created), lastModifiedDate: seconds(a.modified) };
}

function createAction(ctx: ApiContext, store: MitigationStore, c: Call): object {
	const name = c.params.actionName;
	if (!NAME.test(name)) throw invalid(`invalid action name ${name}`);
	const params = paramsOf(c);
	const roleArn = roleArnOf(c);
	if (store.action(name)) throw exists(`mitigation action ${name} already exists`);
	const a = store.putAction(name, roleArn, params, ctx.clock.now());
	return { actionArn: actionArn(name), actionId: a.id };
}

function updateAction(ctx: ApiContext, store: MitigationStore, c: Call): object {
	const old = action(store, c.params.actionName);
	const params = c.body.actionParams === undefined ? old.params : paramsOf(c);
	const roleArn = c.body.roleArn === undefined ? old.roleArn : roleArnOf(c);
	const a = store.putAction(old.name, roleArn, params, ctx.clock.now());
	return { actionArn: actionArn(a.name), actionId: a.id };
}

function listActions(store: MitigationStore, c: Call): object {
	const type = c.query.get("actionType");
	const all = type === undefined || type === ACTION_TYPE ? store.actions() : [];
	const { items, nextToken } = page(c, all);
	return { actionIdentifiers: items.map((a) => ({ actionName: a.name, actionArn: actionArn(a.name), creationDate: seconds(a.created) })), nextToken };
}

function targetOf(c: Call): TaskRecord["target"] {
	const t = bodyObject(c, "target");
	if (!t) throw invalid("target is required");
	const ids = t.violationIds;
	if (ids !== undefined && (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === "string" && i !== ""))) throw invalid("target.violationIds must be a non-empty list of violation ids");
	const profile = t.securityProfileName;
	const behavior = t.behaviorName;
	if (profile !== undefined && typeof profile !== "string") throw invalid("target.securityProfileName must be a string");
	if (behavior !== undefined && (typeof behavior !== "string" || profile === undefined)) throw invalid("target.behaviorName needs target.securityProfileName");
	if (ids === undefined && profile === undefined) throw invalid("target needs violationIds or securityProfileName");
	return { ...(ids ? { violationIds: ids as string[] } : {}), ...(profile ? { securityProfileName: profile } : {}), ...(behavior ? { behaviorName: behavior as string } : {}) };
}

function rangeOf(c: Call): TaskRecord["range"] {
	const r = bodyObject(c, "violationEventOccurrenceRange");
	if (!r) return undefined;
	const [start, end] = [r.startTime, r.endTime];
	if (typeof start !== "number" || typeof end !== "number" || end < start) throw invalid("violationEventOccurrenceRange needs startTime <= endTime (epoch seconds)");
	return { startTime: start * 1000, endTime: end * 1000 };
}

function startTask(ctx: ApiContext, deps: TaskDeps, c: Call): object {
	const taskId = c.params.taskId;
	if (!NAME.test(taskId)) throw invalid(`invalid taskId ${taskId}`);
	const token = bodyString(c, "clientRequestToken", true);
	const old = deps.store.task(taskId);
	if (old) {
		if (old.clientRequestToken === token) return { taskId };
		throw exists(`task ${taskId} already exists`);
	}
	const names = c.body.actions;
	if (!Array.isArray(names) || names.length < 1 || names.length > MAX_ACTIONS || !names.every((n) => typeof n === "string")) throw invalid(`actions must list 1 to ${MAX_ACTIONS} mitigation action names`);
	const onlyActive = c.body.includeOnlyActiveViolations;
	const suppressed = c.body.includeSuppressedAlerts;
	if ((onlyActive !== undefined && typeof onlyActive !== "boolean") || (suppressed !== undefined && typeof suppressed !== "boolean")) throw invalid("includeOnlyActiveViolations and includeSuppressedAlerts must be booleans");
	const range = rangeOf(c);
	if (onlyActive === false && !range) throw invalid("includeOnlyActiveViolations false needs violationEventOccurrenceRange");
	const t: TaskRecord = {
		taskId,
		status: "IN_PROGRESS",
		clientRequestToken: token,
		started: ctx.clock.now(),
		target: targetOf(c),
		...(range ? { range } : {}),
		onlyActive: onlyActive ?? !range,
		suppressed: suppressed ?? false,
		actions: (names as string[]).map((n) => action(deps.store, n)),
		stats: { actionsExecuted: 0, actionsSkipped: 0, actionsFailed: 0 },
	};
	deps.store.putTask(t);
	runTask(deps, taskId);
	return { taskId };
}

function task(store: MitigationStore, id: string): TaskRecord {
	const t = store.task(id);
	if (!t) throw notFound(`detect mitigation actions task ${id} does not exist`);
	return t;
}

function summary(t: TaskRecord): object {
	return {
		taskId: t.taskId,
		taskStatus: t.status,
		taskStartTime: seconds(t.started),
		taskEndTime: seconds(t.ended),
		target: t.target,
		violationEventOccurrenceRange: t.range && { startTime: seconds(t.range.startTime), endTime: seconds(t.range.endTime) },
		onlyActiveViolationsIncluded: t.onlyActive,
		suppressedAlertsIncluded: t.suppressed,
		actionsDefinition: t.actions.map((a) => ({ name: a.name, id: a.id, roleArn: a.roleArn, actionParams: a.params })),
		taskStatistics: t.stats,
	};
}

function requiredTime(c: Call, name: string): number {
	const t = timeQuery(c, name);
	if (t === undefined) throw invalid(`${name} is required`);
	return t;
}

function execution(e: ExecutionRecord): object {
	return { taskId: e.taskId, violationId: e.violationId, actionName: e.actionName, thingName: e.thingName, executionStartDate: seconds(e.started), executionEndDate: seconds(e.ended), status: e.status, errorCode: e.errorCode, message: e.message };
}

function executions(store: MitigationStore, c: Call): object {
	const taskId = c.query.get("taskId");
	const [start, end] = [timeQuery(c, "startTime"), timeQuery(c, "endTime")];
	if (taskId === undefined && (start === undefined || end === undefined)) throw invalid("taskId, or startTime and endTime, is required");
	const all = store.executions({ taskId, violationId: c.query.get("violationId"), thingName: c.query.get("thingName"), start, end });
	const { items, nextToken } = page(c, all);
	return { actionsExecutions: items.map(execution), nextToken };
}

function cancel(ctx: ApiContext, store: MitigationStore, c: Call): object {
	const t = task(store, c.params.taskId);
	if (t.status !== "IN_PROGRESS") throw invalid(`task ${t.taskId} is ${t.status}; only an IN_PROGRESS task can be cancelled`);
	Object.assign(t, { status: "CANCELED", ended: ctx.clock.now() });
	store.putTask(t);
	return {};
}

export function mitigationRoutes(ctx: ApiContext, deps: TaskDeps): Routes {
	const store = deps.store;
	return {
		"POST /mitigationactions/actions/{actionName}": (c) => createAction(ctx, store, c),
		"GET /mitigationactions/actions/{actionName}": (c) => describeAction(action(store, c.params.actionName)),
		"PATCH /mitigationactions/actions/{actionName}": (c) => updateAction(ctx, store, c),
		"DELETE /mitigationactions/actions/{actionName}": (c) => (store.deleteAction(c.params.actionName), {}),
		"GET /mitigationactions/actions": (c) => listActions(store, c),
		"PUT /detect/mitigationactions/tasks/{taskId}": (c) => startTask(ctx, deps, c),
		"GET /detect/mitigationactions/tasks/{taskId}": (c) => ({ taskSummary: summary(task(store, c.params.taskId)) }),
		"GET /detect/mitigationactions/tasks": (c) => {
			const { items, nextToken } = page(c, store.tasks(requiredTime(c, "startTime"), requiredTime(c, "endTime")));
			return { tasks: items.map(summary), nextToken };
		},
		"GET /detect/mitigationactions/executions": (c) => executions(store, c),
		"PUT /detect/mitigationactions/tasks/{taskId}/cancel": (c) => cancel(ctx, store, c),
	};
}
