/* Detect over time: cloud-side windows, statistical thresholds over the fleet, invalidation, groups. */
import { describe, expect, it } from "vitest";
import { DetectEngine } from "../../cloud/detect/engine";
import { percentileOf } from "../../cloud/detect/percentile";
import { ALL_THINGS_ARN, Registry, thingGroupArn } from "../../cloud/detect/registry";
import type { Behavior } from "../../cloud/detect/profile";

const nop = { saveProfile() {}, saveTarget() {}, saveGroup() {}, saveMember() {} };
const T0 = Date.UTC(2026, 0, 1);
const MIN5 = 300_000;

function setup(behaviors: Behavior[], invalidateAfterSeconds = 172_800): { registry: Registry; engine: DetectEngine } {
	const registry = new Registry(nop);
	registry.createSecurityProfile({ securityProfileName: "p", behaviors });
	registry.attachSecurityProfile("p", ALL_THINGS_ARN);
	return { registry, engine: new DetectEngine(registry, { invalidateAfterSeconds, now: T0 }) };
}

const sent: Behavior = {
	name: "chatty",
	metric: "aws:num-messages-sent",
	criteria: { comparisonOperator: "less-than", value: { count: 10 }, durationSeconds: 300, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 },
};

describe("cloud-side windows", () => {
	it("counts messages per 300 s window and evaluates when the window closes", () => {
		const { engine } = setup([sent]);
		for (let i = 0; i < 12; i++) engine.message("rogue", 100, T0 + 1000 * i);
		expect(engine.tick(T0 + MIN5 - 1, [])).toEqual([]);
		const [e] = engine.tick(T0 + MIN5, []);
		expect(e).toMatchObject({ violationEventType: "in-alarm", thingName: "rogue", metricValue: { count: 12 }, violationEventTime: T0 + MIN5 });
	});

	it("a connected quiet thing gets a zero datapoint and clears", () => {
		const { engine } = setup([sent]);
		for (let i = 0; i < 20; i++) engine.message("rogue", 100, T0 + i);
		engine.tick(T0 + MIN5, ["rogue"]);
		const [e] = engine.tick(T0 + 2 * MIN5, ["rogue"]);
		expect(e).toMatchObject({ violationEventType: "alarm-cleared", metricValue: { count: 0 } });
	});

	it("a disconnected silent thing gets no datapoint: the alarm stays until invalidated", () => {
		const { engine } = setup([sent], 900);
		for (let i = 0; i < 20; i++) engine.message("rogue", 100, T0 + i);
		engine.tick(T0 + MIN5, []);
		expect(engine.tick(T0 + 2 * MIN5, [])).toEqual([]);
		expect(engine.tick(T0 + 3 * MIN5, [])).toEqual([]);
		const [e] = engine.tick(T0 + 4 * MIN5, []);
		expect(e).toMatchObject({ violationEventType: "alarm-invalidated", thingName: "rogue", metricValue: { count: 20 } });
		expect(engine.activeStates()).toEqual([]);
	});

	it("message-byte-size without durationSeconds is evaluated per message", () => {
		const { engine } = setup([{ name: "size", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 5000 } } }]);
		expect(engine.message("d", 4999, T0)).toEqual([]);
		expect(engine.message("d", 26000, T0 + 1)[0]).toMatchObject({ violationEventType: "in-alarm", metricValue: { count: 26000 } });
	});

	it("authorization failures, connects and disconnects are windowed counters", () => {
		const auth: Behavior = { name: "authz", metric: "aws:num-authorization-failures", criteria: { comparisonOperator: "less-than", value: { count: 1 }, durationSeconds: 300 } };
		const conn: Behavior = { name: "conn", metric: "aws:num-connection-attempts", criteria: { comparisonOperator: "less-than-equals", value: { count: 2 }, durationSeconds: 600 } };
		const disc: Behavior = { name: "disc", metric: "aws:num-disconnects", criteria: { comparisonOperator: "less-than", value: { count: 3 }, durationSeconds: 300 } };
		const { engine } = setup([auth, conn, disc]);
		engine.count("d", "aws:num-authorization-failures", T0 + 5);
		for (let i = 0; i < 3; i++) engine.count("d", "aws:num-connection-attempts", T0 + 10 + i);
		const names = (es: { behavior: Behavior; violationEventType: string }[]): string[] => es.map((e) => `${e.behavior.name}:${e.violationEventType}`).sort();
		expect(names(engine.tick(T0 + MIN5, []))).toEqual(["authz:in-alarm"]);
		expect(names(engine.tick(T0 + 2 * MIN5, ["d"]))).toEqual(["authz:alarm-cleared", "conn:in-alarm"]);
	});

	it("source IP is checked against in-cidr-set on connect", () => {
		const { engine } = setup([{ name: "ip", metric: "aws:source-ip-address", criteria: { comparisonOperator: "in-cidr-set", value: { cidrs: ["127.0.0.0/8"] } } }]);
		expect(engine.sourceIp("d", "127.0.0.1", T0)).toEqual([]);
		expect(engine.sourceIp("d", "203.0.113.9", T0)[0]).toMatchObject({ violationEventType: "in-alarm", metricValue: { cidrs: ["203.0.113.9"] } });
	});
});

describe("statistical thresholds", () => {
	it("percentiles by nearest rank", () => {
		const v = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
		expect(percentileOf("p0", v)).toBe(1);
		expect(percentileOf("p50", v)).toBe(5);
		expect(percentileOf("p90", v)).toBe(9);
		expect(percentileOf("p99.9", v)).toBe(10);
		expect(percentileOf("p100", v)).toBe(10);
		expect(percentileOf("p90", [])).toBeUndefined();
	});

	it("bytes-out above the fleet's p90 over the window violates", () => {
		const { engine } = setup([
			{ name: "p90-out", metric: "aws:all-bytes-out", criteria: { comparisonOperator: "less-than-equals", statisticalThreshold: { statistic: "p90" }, durationSeconds: 300 } },
		]);
		for (let i = 1; i <= 10; i++) engine.report(`d${i}`, new Map([["aws:all-bytes-out", { count: i * 100 }]]), T0 + i);
		engine.report("d10", new Map([["aws:all-bytes-out", { count: 5000 }]]), T0 + 100);
		const events = engine.tick(T0 + MIN5, []);
		expect(events.map((e) => [e.thingName, e.violationEventType])).toEqual([["d10", "in-alarm"]]);
		expect(events[0].metricValue).toEqual({ count: 6000 });
	});

	it("only the things the profile targets form the fleet", () => {
		const registry = new Registry(nop);
		registry.createThingGroup("cams");
		registry.addThingToThingGroup("c1", "cams");
		registry.addThingToThingGroup("c2", "cams");
		registry.createSecurityProfile({
			securityProfileName: "cams",
			behaviors: [{ name: "s", metric: "aws:num-messages-sent", criteria: { comparisonOperator: "less-than-equals", statisticalThreshold: { statistic: "p50" }, durationSeconds: 300 } }],
		});
		registry.attachSecurityProfile("cams", thingGroupArn("cams"));
		const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: T0 });
		engine.message("c1", 10, T0);
		for (let i = 0; i < 5; i++) engine.message("c2", 10, T0 + i);
		for (let i = 0; i < 50; i++) engine.message("outsider", 10, T0 + i);
		expect(engine.tick(T0 + MIN5, []).map((e) => e.thingName)).toEqual(["c2"]);
	});
});

describe("device-side evaluation and targets", () => {
	it("a profile attached to a group applies only to its members", () => {
		const registry = new Registry(nop);
		registry.createThingGroup("g");
		registry.addThingToThingGroup("member", "g");
		registry.createSecurityProfile({ securityProfileName: "p", behaviors: [{ name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 } } }] });
		registry.attachSecurityProfile("p", thingGroupArn("g"));
		const engine = new DetectEngine(registry, { invalidateAfterSeconds: 172_800, now: T0 });
		const v = new Map([["aws:all-bytes-in", { count: 10 }]]);
		expect(engine.report("other", v, T0)).toEqual([]);
		expect(engine.report("member", v, T0)).toHaveLength(1);
	});

	it("a thing that keeps reporting is never invalidated", () => {
		const { engine } = setup([{ name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 } } }], 600);
		engine.report("d", new Map([["aws:all-bytes-in", { count: 10 }]]), T0);
		for (let i = 1; i <= 6; i++) {
			engine.report("d", new Map([["aws:all-bytes-in", { count: 10 }]]), T0 + i * MIN5);
			expect(engine.tick(T0 + i * MIN5, [])).toEqual([]);
		}
		expect(engine.activeStates()[0].state.inAlarm).toBe(true);
	});

	it("takeDirty hands each changed state once, deletions as undefined", () => {
		const { engine } = setup([{ name: "b", metric: "aws:all-bytes-in", criteria: { comparisonOperator: "less-than", value: { count: 1 } } }], 300);
		engine.report("d", new Map([["aws:all-bytes-in", { count: 10 }]]), T0);
		expect(engine.takeDirty().map(([, r]) => r?.state.inAlarm)).toEqual([true]);
		expect(engine.takeDirty()).toEqual([]);
		engine.tick(T0 + 2 * MIN5, []);
		expect(engine.takeDirty().map(([, r]) => r)).toEqual([undefined]);
	});
});
