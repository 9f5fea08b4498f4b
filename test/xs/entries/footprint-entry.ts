/*
 * footprint-entry — the agent's share of the heap on XS as the simulator measures it on the device
 * (docs/moddable.md "Agent share"): the whole composition (modules/stack: client, sampler, agent,
 * port, callbacks) minus a bare MQTT client made as main.ts's `agent=off` build makes it, both
 * connected over a scripted broker that acknowledges every report, answers it ACCEPTED and answers
 * pings. The scripted broker keeps no bytes (it reads packet ids and report ids as they pass), so
 * it does not grow with reports.
 */
import { VirtualClock } from "../../../hardware/host/virtual-clock";
import { MqttClient } from "../../../modules/mqtt/client";
import type { TransportHandlers } from "../../../modules/mqtt/transport";
import { composeStack, DEVICE_LIMITS } from "../../../modules/stack/stack";
import type { Stack } from "../../../modules/stack/stack";
import { FakeDriver, MemoryStore } from "../../helpers/agent-fakes";

const THING = "XsThing";
const ACCEPTED = `$aws/things/${THING}/defender/metrics/json/accepted`;
const STEP_MS = 10_000;
const INTERVAL_S = 300;

let clock: VirtualClock;
let driver: FakeDriver;
let store: MemoryStore;
let handlers: TransportHandlers | undefined;
/** Packets the broker owes the device, delivered after the step that caused them. */
let owed: Uint8Array[] = [];
let kept: MqttClient | Stack | undefined;
let reports = 0;
let accepted = 0;

export function noop(): void {}

/** The platform parts both measurements share (clock, driver, store). */
export function setup(): void {
	clock = new VirtualClock(1_800_000_000_000);
	driver = new FakeDriver();
	store = new MemoryStore();
	owed = [];
}

function openTransport(h: TransportHandlers) {
	handlers = h;
	return { write: (bytes: Uint8Array) => (answer(bytes), bytes.length), close: () => {} };
}

/** Reads the client's packets as they are written and queues the broker's answers. */
function answer(b: Uint8Array): void {
	let i = 0;
	while (i < b.length) {
		const type = b[i];
		let length = 0;
		let shift = 0;
		let k = i + 1;
		for (;;) {
			const x = b[k++];
			length += (x & 0x7f) << shift;
			shift += 7;
			if (x < 0x80) break;
		}
		if (type === 0x10) owed.push(Uint8Array.of(0x20, 2, 0, 0));
		else if (type === 0x82) owed.push(Uint8Array.of(0x90, 3, b[k], b[k + 1], 1));
		else if (type === 0xc0) owed.push(Uint8Array.of(0xd0, 0));
		else if ((type & 0xf0) === 0x30) publishAnswer(b, type, k, k + length);
		i = k + length;
	}
}

/** A QoS 1 report: PUBACK, then an ACCEPTED reply carrying its reportId ("rid" in json-short). */
function publishAnswer(b: Uint8Array, type: number, start: number, end: number): void {
	const topicLength = (b[start] << 8) | b[start + 1];
	let p = start + 2 + topicLength;
	if ((type & 0x06) !== 0) {
		owed.push(Uint8Array.of(0x40, 2, b[p], b[p + 1]));
		p += 2;
	}
	let id = "";
	for (let q = p; q + 5 < end; q++) {
		if (b[q] === 0x22 && b[q + 1] === 0x72 && b[q + 2] === 0x69 && b[q + 3] === 0x64 && b[q + 4] === 0x22 && b[q + 5] === 0x3a) {
			for (let r = q + 6; r < end && b[r] >= 0x30 && b[r] <= 0x39; r++) id += String.fromCharCode(b[r]);
			break;
		}
	}
	if (id === "") return;
	reports++;
	owed.push(qos0(ACCEPTED, `{"thingName":"${THING}","reportId":${id},"status":"ACCEPTED","timestamp":1}`));
}

function qos0(topic: string, text: string): Uint8Array {
	const remaining = 2 + topic.length + text.length;
	const head = remaining < 128 ? 2 : 3;
	const out = new Uint8Array(head + remaining);
	out[0] = 0x30;
	if (head === 2) out[1] = remaining;
	else {
		out[1] = (remaining & 0x7f) | 0x80;
		out[2] = remaining >> 7;
	}
	let o = head;
	out[o++] = topic.length >> 8;
	out[o++] = topic.length & 0xff;
	for (let i = 0; i < topic.length; i++) out[o++] = topic.charCodeAt(i);
	for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
	return out;
}

function deliver(): void {
	clock.advance(0);
	while (owed.length > 0) {
		const packets = owed;
		owed = [];
		for (const p of packets) (handlers as TransportHandlers).onData(p);
		clock.advance(0);
	}
}

function connect(): void {
	(handlers as TransportHandlers).onOpen();
	deliver();
}

const log = (_message: string): void => {};

/** The bare client of the `agent=off` build (main.ts's scratch copy in docs/moddable.md), connected. */
export function keepClient(): void {
	const l = DEVICE_LIMITS;
	const client = new MqttClient({
		clientId: THING,
		keepAliveSeconds: l.keepAliveSeconds,
		clock,
		openTransport,
		maxPayload: l.maxPayload,
		maxInflight: l.maxInflight,
		reconnect: { minMs: l.reconnectMinMs, maxMs: l.reconnectMaxMs },
		random: () => 0.5,
		log,
	});
	client.onState = (state, reason) => log(`mqtt: ${state}${reason ? ` (${reason})` : ""}`);
	client.start();
	connect();
	kept = client;
}

/** The composition as main.ts makes it (json-short, a report every 300 s), connected. */
export function keepStack(): void {
	const stack = composeStack({ thingName: THING, clock, openTransport, driver, store, log, random: () => 0.5, intervalSeconds: INTERVAL_S });
	const agent = stack.agent;
	agent.onOutcome = (state, reportId) => {
		const s = agent.status;
		log(`defender: report ${reportId} ${state} (sent ${s.sent}, accepted ${s.accepted})`);
	};
	stack.start(false);
	connect();
	kept = stack;
}

/** Runs `intervals` report intervals of virtual time (with traffic), the broker answering. */
export function run(intervals: number): { reports: number; accepted: number } {
	for (let i = 0; i < intervals; i++) {
		for (let t = 0; t < INTERVAL_S * 1000; t += STEP_MS) {
			driver.traffic(1200, 800, 3, 2);
			clock.advance(STEP_MS);
			deliver();
		}
	}
	if (kept instanceof MqttClient) return { reports, accepted: 0 };
	accepted = (kept as Stack).agent.status.accepted;
	return { reports, accepted };
}
