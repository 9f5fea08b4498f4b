/*
 * e2e-day — the rogue day, end to end in virtual time: the self-hosted cloud (broker over mutual TLS,
 * reserved topics, Detect) and MyDevice on 127.0.0.1, the seed profile CheckRogueDevices attached to
 * allMyDevices, rogue mode on from the start, reports every 300 s. Real sockets, real broker, real
 * agent; only time is virtual. Shared by bench/e2e-day.bench.ts (24 h) and test/e2e/day-rogue.test.ts.
 *
 * Virtual time moves 20 s a step (rogue mode fires 20 publishes in one step) and stands still, with no
 * real sleeps, only while something is in flight: the connection, a report's reply, a PUBLISH whose
 * echo or reply is not back yet. Steps end 1 ms before the cloud's minute and five-minute boundaries.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startCloud, thingGroupArn, type Alert, type Cloud, type ThingMetrics } from "../../cloud/index";
import { startDevice, type Device, type DeviceStatus } from "../../hardware/host/device";
import { VirtualClock, pause, type RunOptions } from "../../hardware/host/virtual-clock";
import type { ReportFormat } from "../../modules/report/report";

const THING = "MyDevice";
const GROUP = "allMyDevices";
const PROFILE = resolve(import.meta.dirname, "../../profiles/CheckRogueDevices.json");

export interface DayOptions {
	/** Device time to run, in hours. */
	hours: number;
	/**
	 * Virtual ms per step (default 20 000): it must divide 60 000, so steps end together with the
	 * cloud's minute ticks and report stamps stay exactly 300 s apart (no throttling), and be at most
	 * the agent's 30 s reply timeout, so a reply is always read before its report could time out.
	 */
	stepMs?: number;
	format?: ReportFormat;
	/** Working directory (PKI, cloud database, device store); default a temporary one, removed after. */
	dir?: string;
}

export interface DayResult {
	wallMs: number;
	/** CPU time of this process over the same span (user + system). */
	cpuMs: number;
	deviceMs: number;
	steps: number;
	device: DeviceStatus;
	cloud: ThingMetrics;
	active: string[];
	alerts: Alert[];
}

/**
 * Virtual time stands still while something is in flight: the connection being set up, a report
 * awaiting its reply, a PUBLISH not yet answered (every one this device sends comes back: a reply or
 * its own rogue echo). Read without building device.status: it is asked on every I/O turn.
 */
function inFlight(device: Device): () => boolean {
	const { client, agent } = device;
	return () => client.state === "connecting" || agent.status.awaitingReply || client.stats.messagesIn < client.stats.messagesOut;
}

/** Real time one hold may last before the run fails (a message lost, a reply never sent). */
const HOLD_LIMIT_MS = 10_000;

async function settled(clock: VirtualClock, options: RunOptions, device: Device): Promise<void> {
	if (await clock.settle(options)) return;
	const s = device.status;
	throw new Error(`still in flight after ${HOLD_LIMIT_MS} ms at ${clock.ticks()} virtual ms: mqtt ${s.mqttState} ${s.mqttReason}, awaiting a reply ${s.awaitingReply}, PUBLISH out ${s.mqtt.messagesOut} in ${s.mqtt.messagesIn}`);
}

/** The cloud on `clock` with the seed fleet: allMyDevices ∋ MyDevice, CheckRogueDevices attached to it. */
async function startFleet(dir: string, clock: VirtualClock): Promise<{ cloud: Cloud; alerts: Alert[] }> {
	const cloud = await startCloud({ pkiDir: join(dir, "pki"), dataDir: join(dir, "db"), port: 0, clock, allowTopics: ["/rogue/agent"], log: () => {} });
	const alerts: Alert[] = [];
	cloud.onAlert((a) => alerts.push(a));
	cloud.createThingGroup(GROUP);
	cloud.addThingToThingGroup(THING, GROUP);
	const { securityProfileName } = cloud.createSecurityProfile(JSON.parse(readFileSync(PROFILE, "utf8")));
	cloud.attachSecurityProfile(securityProfileName, thingGroupArn(GROUP));
	return { cloud, alerts };
}

function startMyDevice(cloud: Cloud, dir: string, clock: VirtualClock, format: ReportFormat): Promise<Device> {
	const files = cloud.issueThingCertificate(THING);
	return startDevice({
		thingName: THING,
		host: "127.0.0.1",
		port: cloud.port,
		ca: readFileSync(files.caPem),
		cert: readFileSync(files.certPem),
		key: readFileSync(files.keyPem),
		format,
		intervalSeconds: 300,
		clock,
		storePath: join(dir, "device.json"),
		rogue: true,
	});
}

/** Steps virtual time to `endMs`, `stepMs` at a time, settling after each step; returns the steps taken. */
async function drive(clock: VirtualClock, device: Device, endMs: number, stepMs: number): Promise<number> {
	const settle = { hold: inFlight(device), maxHoldMs: HOLD_LIMIT_MS, immediate: true };
	await settled(clock, settle, device);
	let steps = 0;
	while (clock.ticks() < endMs) {
		clock.advance(stepMs);
		steps++;
		await pause(0);
		await settled(clock, settle, device);
	}
	return steps;
}

export async function runDay(options: DayOptions): Promise<DayResult> {
	const dir = options.dir ?? mkdtempSync(join(tmpdir(), "e2e-day-"));
	const stepMs = options.stepMs ?? 20_000;
	if (!(stepMs > 0 && stepMs <= 30_000 && 60_000 % stepMs === 0)) throw new RangeError(`stepMs must divide 60000 and be at most 30000, got ${stepMs}`);
	// one ms before a five-minute boundary: every step ends 1 ms before a cloud window closes, so the
	// messages a step moves are counted in the window they were sent in
	const clock = new VirtualClock(Math.floor(Date.now() / 300_000) * 300_000 - 1);
	const { cloud, alerts } = await startFleet(dir, clock);
	const start = performance.now();
	const cpu = process.cpuUsage();
	const device = await startMyDevice(cloud, dir, clock, options.format ?? "json-short");
	try {
		const steps = await drive(clock, device, options.hours * 3_600_000, stepMs);
		const wallMs = performance.now() - start;
		const used = process.cpuUsage(cpu);
		return {
			wallMs,
			cpuMs: (used.user + used.system) / 1000,
			deviceMs: clock.ticks(),
			steps,
			device: device.status,
			cloud: cloud.metrics(THING),
			active: cloud.listActiveViolations({ thingName: THING }).map((v) => v.behavior.name).sort(),
			alerts,
		};
	} finally {
		await device.stop();
		await cloud.stop();
		if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
	}
}
