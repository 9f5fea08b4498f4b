/*
 * walkthrough — `npm start`: the seed story on one machine.
 *
 * The self-hosted cloud starts on loopback with a fresh CA; thing group allMyDevices holds MyDevice;
 * security profile CheckRogueDevices (profiles/CheckRogueDevices.json) watches it. The firmware runs
 * on the host as MyDevice and reports every 300 s over mutual-TLS MQTT. After two quiet intervals
 * rogue mode is switched on; both behaviors go in alarm and their alerts are printed; rogue mode is
 * switched off again and the alarms clear. The cloud's API and SNS run too (walkthrough-mail.ts): a loopback
 * SMTP server is the mail relay, topic MisbehavingDevices has a confirmed e-mail subscriber, CheckRogueDevices
 * alerts to it, and every mail received is printed. Virtual time by default (the five-minute windows pass in
 * seconds); `--real` runs on the wall clock (about 20 minutes). `--broker mosquitto` runs the same story on a
 * real mosquitto loading our Defender plugin instead of the embedded broker (walkthrough-mosquitto.ts).
 *
 *   npm start [-- --real] [--broker embedded|mosquitto] [--format json|json-short|cbor] [--data DIR] [--verbose]
 *
 * Exits 0 when every step happened as expected (the subscription confirmed by its mail, both violations mailed), 1 with the reason otherwise (or when mosquitto, gcc or the
 * plugin's headers are missing), 2 on bad arguments.
 */
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startCloud, thingGroupArn, type Alert, type Cloud, type CloudOptions } from "../cloud/index";
import { realClock } from "../hardware/host/clock";
import { startDevice, type Device } from "../hardware/host/device";
import { VirtualClock } from "../hardware/host/virtual-clock";
import type { Clock } from "../modules/platform/platform";
import type { ReportFormat } from "../modules/report/report";
import { apiOf, apiOptions, startMailSink, subscribeByMail, violationMails } from "./walkthrough-mail";
import type { SmtpSink } from "./smtp-sink";
import { checkPluginCounters, countersCaughtUp, crossesWindow, MissingPrerequisite, startMosquittoCloud } from "./walkthrough-mosquitto";

const THING = "MyDevice";
const GROUP = "allMyDevices";
const PROFILE = resolve(import.meta.dirname, "../profiles/CheckRogueDevices.json");
const INTERVAL_S = 300;
const FORMATS: ReportFormat[] = ["json", "json-short", "cbor"];
const BROKERS = ["embedded", "mosquitto"] as const;
type BrokerKind = (typeof BROKERS)[number];
const ALLOW_TOPICS = ["/rogue/agent"];
/** virtual ms per step of the virtual timeline */
const STEP_MS = 1000;

interface Options {
	real: boolean;
	format: ReportFormat;
	broker: BrokerKind;
	dataDir: string;
	verbose: boolean;
}

function options(): Options {
	const { values } = parseArgs({
		options: {
			real: { type: "boolean", default: false },
			format: { type: "string", default: "json-short" },
			broker: { type: "string", default: "embedded" },
			data: { type: "string" },
			verbose: { type: "boolean", default: false },
		},
	});
	const format = values.format as ReportFormat;
	if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not "${values.format}"`);
	const broker = values.broker as BrokerKind;
	if (!BROKERS.includes(broker)) throw new UsageError(`--broker must be one of ${BROKERS.join(", ")}, not "${values.broker}"`);
	const dataDir = values.data ? resolve(values.data) : mkdtempSync(join(tmpdir(), "defender-walkthrough-"));
	mkdirSync(dataDir, { recursive: true });
	return { real: values.real!, format, broker, dataDir, verbose: values.verbose! };
}

class UsageError extends Error {}

/** Runs the clock forward (virtual) or waits (real) until `done` or `maxS` seconds of device time. */
interface Timeline {
	clock: Clock;
	until(done: () => boolean, maxS: number, hold: () => boolean): Promise<boolean>;
	elapsed(): string;
}

function virtualTimeline(): Timeline {
	// start on a five-minute boundary, so report intervals and the cloud's metric windows line up as they would on AWS
	const clock = new VirtualClock(Math.floor(Date.now() / 300_000) * 300_000);
	return {
		clock,
		async until(done, maxS, hold) {
			const end = clock.ticks() + maxS * 1000;
			while (!done() && clock.ticks() < end) await clock.runFor(STEP_MS, { step: STEP_MS, realMs: 0, hold, maxHoldMs: 5000, immediate: true });
			return done();
		},
		elapsed: () => hms(clock.ticks()),
	};
}

function realTimeline(): Timeline {
	const clock = realClock();
	const start = clock.ticks();
	return {
		clock,
		async until(done, maxS) {
			const end = clock.ticks() + maxS * 1000;
			while (!done() && clock.ticks() < end) await new Promise((r) => setTimeout(r, 250));
			return done();
		},
		elapsed: () => hms(clock.ticks() - start),
	};
}

function hms(ms: number): string {
	const s = Math.floor(ms / 1000);
	const pad = (n: number) => String(n).padStart(2, "0");
	return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

async function main(): Promise<number> {
	const opts = options();
	const time = opts.real ? realTimeline() : virtualTimeline();
	const say = (who: string, text: string) => console.log(`[${time.elapsed()}] ${who.padEnd(6)} ${text}`);
	const debug = opts.verbose ? (s: string) => say("log", s) : () => {};

	const sink = await startMailSink(say);
	try {
		const api = apiOptions(sink);
		const common = { pkiDir: join(opts.dataDir, "pki"), dataDir: join(opts.dataDir, "db"), clock: time.clock, alerts: { jsonl: join(opts.dataDir, "alerts.jsonl") }, log: debug, api };
		const { cloud, port, stop } = await startBackend(opts, common, say);
		say("mail", `SMTP relay on ${sink.url.replace(/:[^:@/]*@/, ":…@")} (smtp-server; the cloud's SNS sends e-mail through it)`);
		try {
			return await withCloud(cloud, port, opts, time, say, debug, sink);
		} finally {
			await stop();
		}
	} finally {
		await sink.close();
	}
}

/** The cloud on the embedded broker, or on mosquitto + plugin: where the device connects, how it all stops. */
async function startBackend(opts: Options, common: CloudOptions, say: (who: string, text: string) => void): Promise<{ cloud: Cloud; port: number; stop: () => Promise<void> }> {
	if (opts.broker === "mosquitto") {
		const m = await startMosquittoCloud(opts.dataDir, ALLOW_TOPICS, common);
		say("cloud", `mosquitto (pid ${m.mosquitto.pid}) + Defender plugin on 127.0.0.1:${m.mosquitto.port}, mutual TLS, Detect subscribed, data in ${opts.dataDir}`);
		return { cloud: m.cloud, port: m.mosquitto.port, stop: () => m.stop() };
	}
	const cloud = await startCloud({ ...common, port: 0, allowTopics: ALLOW_TOPICS });
	say("cloud", `broker on 127.0.0.1:${cloud.port}, mutual TLS, data in ${opts.dataDir}`);
	return { cloud, port: cloud.port, stop: () => cloud.stop() };
}

async function withCloud(
	cloud: Cloud,
	port: number,
	opts: Options,
	time: Timeline,
	say: (who: string, text: string) => void,
	debug: (s: string) => void,
	sink: SmtpSink,
): Promise<number> {
	const profileName = setUpFleet(cloud, say);
	await subscribeByMail(apiOf(cloud), sink, profileName, say);
	const alerts: Alert[] = [];
	cloud.onAlert((a) => {
		alerts.push(a);
		say("alert", JSON.stringify(a));
	});
	cloud.onReply((r) => {
		const b = r.body;
		const detail = b.statusDetails ? ` ${b.statusDetails.ErrorCode}: ${b.statusDetails.ErrorMessage}` : "";
		say("cloud", `report ${b.reportId ?? "?"} ${b.status}${detail} on …/metrics/${r.format}`);
	});

	const files = cloud.issueThingCertificate(THING);
	mkdirSync(join(opts.dataDir, "device"), { recursive: true });
	const device = await startDevice({
		thingName: THING,
		host: "127.0.0.1",
		port,
		ca: readFileSync(files.caPem),
		cert: readFileSync(files.certPem),
		key: readFileSync(files.keyPem),
		format: opts.format,
		intervalSeconds: INTERVAL_S,
		clock: time.clock,
		storePath: join(opts.dataDir, "device", "state.json"),
		log: debug,
	});
	say("device", `${THING} started: ${opts.format} reports every ${INTERVAL_S} s, certificate ${files.certPem}`);
	// virtual time stands still while something is on the wire: a connect, a report awaiting its reply, an echo
	// … and while an alert's mail is on its way (the confirmation and then one mail per alert), so mails print in story order
	const onWire = () =>
		sink.mails.length < 1 + alerts.length ||
		device.status.awaitingReply || device.status.mqttState === "connecting" || device.client.stats.messagesIn < device.client.stats.messagesOut;
	// on mosquitto, also before a step that ends a Detect window, until the plugin's counters are in (walkthrough-mosquitto.ts)
	const hold =
		opts.broker === "mosquitto"
			? () => onWire() || (crossesWindow(time.clock.now(), STEP_MS) && !countersCaughtUp(cloud, device, THING))
			: onWire;
	try {
		const code = await story(cloud, device, time, hold, say, alerts);
		if (code !== 0) return code;
		const unmailed = await violationMails(sink, THING, ["msgReceive", "bytesOut"]);
		if (unmailed.length) return say("FAIL", `no violation mail for ${unmailed.join(", ")}`), 1;
		say("done", `the violations of ${THING} were mailed to the topic's subscriber (${sink.mails.length} mails received in all)`);
		return opts.broker === "mosquitto" ? await checkPluginCounters(cloud, device, THING, say) : 0;
	} finally {
		await device.stop();
	}
}

function setUpFleet(cloud: Cloud, say: (who: string, text: string) => void): string {
	cloud.createThingGroup(GROUP);
	cloud.addThingToThingGroup(THING, GROUP);
	const profile = JSON.parse(readFileSync(PROFILE, "utf8"));
	const { securityProfileName } = cloud.createSecurityProfile(profile);
	cloud.attachSecurityProfile(securityProfileName, thingGroupArn(GROUP));
	const names = profile.behaviors.map((b: { name: string; metric: string }) => `${b.name} (${b.metric})`).join(", ");
	say("cloud", `thing group ${GROUP} ∋ ${THING}; security profile ${securityProfileName} attached: ${names}`);
	return securityProfileName;
}

async function story(
	cloud: Cloud,
	device: Device,
	time: Timeline,
	hold: () => boolean,
	say: (who: string, text: string) => void,
	alerts: Alert[],
): Promise<number> {
	const active = () => cloud.listActiveViolations({ thingName: THING }).map((v) => v.behavior.name);
	const fail = (why: string) => {
		say("FAIL", why);
		return 1;
	};

	say("story", "1. a quiet device: two report intervals");
	const quiet = await time.until(() => device.status.accepted >= 2, 3 * INTERVAL_S, hold);
	if (!quiet) return fail(`expected 2 accepted reports, got ${device.status.accepted} (mqtt ${device.status.mqttState} ${device.status.mqttReason})`);
	if (active().length) return fail(`a quiet device is in alarm: ${active().join(", ")}`);
	say("story", `   ${device.status.accepted} reports accepted, no violation`);

	say("story", "2. rogue mode on: a random 100-character message every second to /rogue/agent, echoed back");
	device.setRogue(true);
	const both = () => ["msgReceive", "bytesOut"].every((n) => active().includes(n));
	if (!(await time.until(both, 4 * INTERVAL_S, hold))) return fail(`expected both behaviors in alarm, active: [${active().join(", ")}]`);
	const raised = alerts.filter((a) => a.violationEventType === "in-alarm").map((a) => a.behavior.name);
	say("story", `   violations raised: ${active().join(", ")}; in-alarm alerts: ${raised.join(", ")}`);
	if (!["msgReceive", "bytesOut"].every((n) => raised.includes(n))) return fail("an in-alarm alert is missing");

	say("story", "3. rogue mode off: the alarms clear");
	device.setRogue(false);
	const cleared = await time.until(() => active().length === 0, 4 * INTERVAL_S, hold);
	if (!cleared) return fail(`alarms still active: ${active().join(", ")}`);
	const clearedAlerts = alerts.filter((a) => a.violationEventType === "alarm-cleared").map((a) => a.behavior.name);
	say("story", `   cleared: ${clearedAlerts.join(", ")}`);

	await time.until(() => !device.status.awaitingReply, 60, hold);
	const s = device.status;
	say("done", `reports sent ${s.sent}, accepted ${s.accepted}, rejected ${s.rejected}; MQTT messages out ${s.mqtt.messagesOut}, in ${s.mqtt.messagesIn}; alerts ${alerts.length}`);
	return 0;
}

main().then(
	(code) => process.exit(code),
	(err: unknown) => {
		console.error(err instanceof UsageError || err instanceof MissingPrerequisite ? `walkthrough: ${err.message}` : err);
		process.exit(err instanceof UsageError ? 2 : 1);
	},
);
