/*
 * cloud-rules.data — Detect rule tests as data ("profile + datapoints + expected violations", like
 * Prometheus' rule unit-test files): each case gives one behavior, a series of device-report datapoints
 * and the expected state after each step ("ok", "pending" = violating but not yet alarmed, "alarm") plus
 * the event emitted at that step, if any.
 */
import type { Behavior } from "../../cloud/detect/profile";
import type { MetricValue } from "../../cloud/detect/metric-value";

export type Expect = "ok" | "pending" | "alarm";

export interface RuleCase {
	name: string;
	behavior: Behavior;
	steps: { value: MetricValue; state: Expect; event?: "in-alarm" | "alarm-cleared" }[];
}

const bytesOut = (comparisonOperator: string, count: number, toAlarm = 1, toClear = 1): Behavior => ({
	name: "bytes-out",
	metric: "aws:all-bytes-out",
	criteria: { comparisonOperator, value: { count }, consecutiveDatapointsToAlarm: toAlarm, consecutiveDatapointsToClear: toClear },
});

export const RULE_CASES: RuleCase[] = [
	{
		name: "less-than alarms at once and clears at once by default",
		behavior: bytesOut("less-than", 1000),
		steps: [
			{ value: { count: 10 }, state: "ok" },
			{ value: { count: 1000 }, state: "alarm", event: "in-alarm" },
			{ value: { count: 5000 }, state: "alarm" },
			{ value: { count: 999 }, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "consecutiveDatapointsToAlarm 3: an interrupted streak starts over",
		behavior: bytesOut("less-than-equals", 100, 3, 1),
		steps: [
			{ value: { count: 101 }, state: "pending" },
			{ value: { count: 101 }, state: "pending" },
			{ value: { count: 100 }, state: "ok" },
			{ value: { count: 500 }, state: "pending" },
			{ value: { count: 500 }, state: "pending" },
			{ value: { count: 500 }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "consecutiveDatapointsToClear 2: one conforming datapoint does not clear",
		behavior: bytesOut("greater-than", 10, 1, 2),
		steps: [
			{ value: { count: 10 }, state: "alarm", event: "in-alarm" },
			{ value: { count: 11 }, state: "alarm" },
			{ value: { count: 9 }, state: "alarm" },
			{ value: { count: 11 }, state: "alarm" },
			{ value: { count: 12 }, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "greater-than-equals boundary conforms",
		behavior: bytesOut("greater-than-equals", 10),
		steps: [
			{ value: { count: 10 }, state: "ok" },
			{ value: { count: 9 }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "in-port-set: a listener outside the set violates, an empty list conforms and clears",
		behavior: { name: "ports", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "in-port-set", value: { ports: [8888] } } },
		steps: [
			{ value: { ports: [8888] }, state: "ok" },
			{ value: { ports: [8888, 443] }, state: "alarm", event: "in-alarm" },
			{ value: { ports: [] }, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "not-in-port-set: any listed port violates",
		behavior: { name: "no-telnet", metric: "aws:listening-tcp-ports", criteria: { comparisonOperator: "not-in-port-set", value: { ports: [23] } } },
		steps: [
			{ value: { ports: [80, 443] }, state: "ok" },
			{ value: { ports: [80, 23] }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "in-cidr-set on destination IPs (IPv4 and IPv6)",
		behavior: {
			name: "dest",
			metric: "aws:destination-ip-addresses",
			criteria: { comparisonOperator: "in-cidr-set", value: { cidrs: ["10.0.0.0/8", "2001:db8::/32"] } },
		},
		steps: [
			{ value: { cidrs: ["10.1.2.3", "2001:db8::1"] }, state: "ok" },
			{ value: { cidrs: ["10.1.2.3", "8.8.8.8"] }, state: "alarm", event: "in-alarm" },
			{ value: { cidrs: [] }, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "not-in-cidr-set",
		behavior: { name: "no-lan", metric: "aws:destination-ip-addresses", criteria: { comparisonOperator: "not-in-cidr-set", value: { cidrs: ["192.168.0.0/16"] } } },
		steps: [
			{ value: { cidrs: ["8.8.8.8"] }, state: "ok" },
			{ value: { cidrs: ["192.168.1.5"] }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "custom number metric with value.number",
		behavior: { name: "temp", metric: "temperature", criteria: { comparisonOperator: "less-than", value: { number: 80.5 } } },
		steps: [
			{ value: { number: 20 }, state: "ok" },
			{ value: { number: 90 }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "custom number-list in-set",
		behavior: { name: "modes", metric: "modes", criteria: { comparisonOperator: "in-set", value: { numbers: [1, 2, 3] } } },
		steps: [
			{ value: { numbers: [1, 3] }, state: "ok" },
			{ value: { numbers: [1, 7] }, state: "alarm", event: "in-alarm" },
		],
	},
	{
		name: "custom string-list not-in-set",
		behavior: { name: "procs", metric: "processes", criteria: { comparisonOperator: "not-in-set", value: { strings: ["nc", "telnetd"] } } },
		steps: [
			{ value: { strings: ["init", "httpd"] }, state: "ok" },
			{ value: { strings: ["init", "nc"] }, state: "alarm", event: "in-alarm" },
			{ value: { strings: [] }, state: "ok", event: "alarm-cleared" },
		],
	},
	{
		name: "custom ip-address-list in-cidr-set",
		behavior: { name: "peers", metric: "peers", criteria: { comparisonOperator: "in-cidr-set", value: { cidrs: ["172.16.0.0/12"] } } },
		steps: [
			{ value: { cidrs: ["172.16.9.9"] }, state: "ok" },
			{ value: { cidrs: ["1.1.1.1"] }, state: "alarm", event: "in-alarm" },
		],
	},
];
