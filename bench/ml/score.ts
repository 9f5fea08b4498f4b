/*
 * score — precision and recall of Detect's alarms against the fleet's labelled episodes.
 * An alarm is an `in-alarm` event. It is a true positive when its thing has an episode that moves the
 * behavior's metric and the alarm falls inside the episode (or within one datapoint after its end).
 * precision = true-positive alarms / alarms; recall = episodes with at least one true-positive alarm / episodes.
 */
import type { ViolationEvent } from "../../cloud/detect/engine";
import type { BenchMetric, Episode, Kind } from "./fleet";
import { STEP_MS } from "./fleet";

export interface Score {
	alarms: number;
	truePositives: number;
	precision: number;
	recall: number;
	recallByKind: Record<Kind, number>;
}

function matches(e: ViolationEvent, ep: Episode): boolean {
	return e.thingName === ep.thing && ep.metrics.includes(e.behavior.metric as BenchMetric) && e.violationEventTime >= ep.start && e.violationEventTime <= ep.end + STEP_MS;
}

export function scoreAlarms(events: ViolationEvent[], episodes: Episode[]): Score {
	const alarms = events.filter((e) => e.violationEventType === "in-alarm");
	const found = new Set<Episode>();
	let truePositives = 0;
	for (const a of alarms) {
		const hit = episodes.filter((ep) => matches(a, ep));
		if (hit.length) truePositives++;
		for (const ep of hit) found.add(ep);
	}
	const recallByKind = {} as Record<Kind, number>;
	for (const kind of new Set(episodes.map((e) => e.kind))) {
		const of = episodes.filter((e) => e.kind === kind);
		recallByKind[kind] = of.filter((e) => found.has(e)).length / of.length;
	}
	return {
		alarms: alarms.length,
		truePositives,
		precision: alarms.length ? truePositives / alarms.length : 1,
		recall: episodes.length ? found.size / episodes.length : 1,
		recallByKind,
	};
}
