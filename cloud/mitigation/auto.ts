/*
 * auto — automatic mitigation, beyond AWS (where a mitigation task is always started by a call): the
 * startCloud option `api.autoMitigation` lists rules {securityProfileName, behaviorName?, actions}; each
 * `in-alarm` event of a matching behavior starts a Detect mitigation task on that one violation, with
 * taskId `auto-<violationId>-<rule index>`, listed and described like any other task. Off unless configured.
 */
import type { ViolationEvent } from "../detect/engine";
import type { ActionRecord } from "./store";
import { runTask, type TaskDeps } from "./tasks";

export interface AutoMitigationRule {
	securityProfileName: string;
	/** every behavior of the profile when absent */
	behaviorName?: string;
	/** mitigation action names (CreateMitigationAction), looked up when the alarm happens */
	actions: string[];
}

function startFor(d: TaskDeps, rule: AutoMitigationRule, index: number, e: ViolationEvent): void {
	const actions = rule.actions.map((n) => d.store.action(n));
	const missing = rule.actions.filter((_, i) => actions[i] === undefined);
	if (missing.length > 0) return d.log(`mitigation: auto rule ${index} not run for ${e.thingName} (${e.violationId}): no mitigation action ${missing.join(", ")}`);
	const taskId = `auto-${e.violationId}-${index}`;
	d.store.putTask({
		taskId,
		status: "IN_PROGRESS",
		started: d.clock.now(),
		target: { violationIds: [e.violationId], securityProfileName: e.securityProfileName, behaviorName: e.behavior.name },
		onlyActive: true,
		suppressed: true,
		actions: actions as ActionRecord[],
		stats: { actionsExecuted: 0, actionsSkipped: 0, actionsFailed: 0 },
	});
	d.log(`mitigation: auto rule ${index}: task ${taskId} for ${e.thingName} (${e.securityProfileName}/${e.behavior.name})`);
	runTask(d, taskId);
}

/** Starts a task for every in-alarm event a rule matches; `onEvent` subscribes to the cloud's violation events. */
export function autoMitigate(d: TaskDeps, rules: AutoMitigationRule[], onEvent: (cb: (e: ViolationEvent) => void) => void): void {
	if (rules.length === 0) return;
	for (const [i, r] of rules.entries()) d.log(`mitigation: auto rule ${i}: in-alarm of ${r.securityProfileName}/${r.behaviorName ?? "*"} → ${r.actions.join(", ")}`);
	onEvent((e) => {
		if (e.violationEventType !== "in-alarm" || !d.running()) return;
		rules.forEach((r, i) => {
			if (r.securityProfileName === e.securityProfileName && (r.behaviorName === undefined || r.behaviorName === e.behavior.name)) startFor(d, r, i, e);
		});
	});
}
