/* The cap on violation events per thing per behavior per hour: a flapping thing is counted and logged, not stored or alerted. */
import { afterEach, describe, expect, it } from "vitest";
import type { Alert } from "../../cloud/alerts";
import { EVENT_CAP_PER_HOUR } from "../../cloud/event-cap";
import { startTestCloud, type CloudFixture } from "../helpers/cloud-setup";

const HOUR = 3_600_000;
const PROFILE = {
	securityProfileName: "Size",
	behaviors: [
		{ name: "small", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 1000 } } },
		{ name: "tiny", metric: "aws:message-byte-size", criteria: { comparisonOperator: "less-than", value: { count: 5000 } } },
	],
};

let f: CloudFixture | undefined;
afterEach(async () => {
	await f?.cleanup();
	f = undefined;
});

describe("cloud violation event cap", () => {
	it(`stores and alerts at most ${EVENT_CAP_PER_HOUR} events per thing and behavior per hour, counts and logs the rest`, async () => {
		f = await startTestCloud();
		const cloud = f.cloud;
		cloud.createSecurityProfile(PROFILE);
		cloud.attachSecurityProfile("Size", cloud.allThingsArn);
		const alerts: Alert[] = [];
		cloud.onAlert((a) => alerts.push(a));
		const hooks = cloud.hooks();
		const flap = (thing: string, n: number): void => {
			for (let i = 0; i < n; i++) hooks.fromDevice(thing, "/data", Buffer.alloc(i % 2 ? 10 : 2000));
		};
		flap("flapper", 20_000);
		flap("calm", 10);
		const stored = (thing: string, behavior: string): number => cloud.listViolationEvents({ thingName: thing, maxResults: 1000 }).filter((e) => e.behavior.name === behavior).length;
		expect([stored("flapper", "small"), stored("flapper", "tiny"), stored("calm", "small")]).toEqual([EVENT_CAP_PER_HOUR, 0, 10]);
		expect(alerts.filter((a) => a.thingName === "flapper")).toHaveLength(EVENT_CAP_PER_HOUR);
		expect(cloud.suppressedEvents()).toBe(20_000 - EVENT_CAP_PER_HOUR);
		expect(cloud.listActiveViolations({ thingName: "flapper" })).toEqual([]);
		expect(f.logs.filter((l) => l.includes("reached"))).toEqual([
			`detect: flapper Size/small reached ${EVENT_CAP_PER_HOUR} violation events this hour; further ones until 2026-01-01T01:00:00.000Z are counted, not stored or alerted`,
		]);
		f.clock.advance(HOUR);
		expect(f.logs.filter((l) => l.includes("suppressed in the hour"))).toEqual([
			`detect: flapper Size/small: ${20_000 - EVENT_CAP_PER_HOUR} violation events suppressed in the hour from 2026-01-01T00:00:00.000Z (cap ${EVENT_CAP_PER_HOUR} per hour)`,
		]);
		flap("flapper", 2);
		expect(stored("flapper", "small")).toBe(EVENT_CAP_PER_HOUR + 2);
	});
});
