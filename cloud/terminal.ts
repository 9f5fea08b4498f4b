/*
 * terminal — what `npm run cloud -- start` prints for a person watching it: a line when a thing connects or
 * disconnects, a one-line status every minute (things connected, reports accepted / rejected in that minute,
 * active violations) and each alert as one readable line with local times (`--json` keeps the raw shape).
 * Status and connection lines go to the log (stderr); alerts to stdout, so `--json | jq` stays clean.
 */
import type { Clock, TimerHandle } from "../modules/platform/platform";
import type { Alert } from "./alerts";
import type { MetricValue } from "./detect/metric-value";
import type { Reply } from "./reports/replies";

/** What the terminal watches: the running cloud's listeners and its active violations. */
export interface TerminalSource {
	onConnection(cb: (thing: string, connected: boolean, address?: string) => void): void;
	onReply(cb: (r: Reply) => void): void;
	listActiveViolations(): unknown[];
}

export interface TerminalOptions {
	clock: Clock;
	/** connection and status lines */
	log: (s: string) => void;
	/** seconds between status lines (default 60) */
	statusSeconds?: number;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** A time as this machine's local wall clock with its UTC offset: 2026-12-04 06:12:03 +01:00. */
export function localTime(ms: number): string {
	const d = new Date(ms);
	const offset = -d.getTimezoneOffset();
	const sign = offset < 0 ? "-" : "+";
	const abs = Math.abs(offset);
	const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
	const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
	return `${date} ${time} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A metric value as a person reads it: 1234, [22, 443], 10.0.0.0/8. */
export function valueText(v: MetricValue | undefined): string {
	if (v === undefined) return "-";
	const n = v.count ?? v.number;
	if (n !== undefined) return String(n);
	const list = v.cidrs ?? v.ports ?? v.numbers ?? v.strings;
	return list === undefined ? JSON.stringify(v) : `[${list.join(", ")}]`;
}

const EVENT_WORD: Record<Alert["violationEventType"], string> = {
	"in-alarm": "ALARM      ",
	"alarm-cleared": "CLEARED    ",
	"alarm-invalidated": "INVALIDATED",
};

/** One alert as one line: local time, what happened, thing, profile/behavior, the value and what the behavior calls normal. */
export function alertText(a: Alert): string {
	const c = a.behavior.criteria;
	let rule = "";
	if (c?.statisticalThreshold?.statistic) rule = ` (normal: ${c.comparisonOperator ?? "?"} the fleet's ${c.statisticalThreshold.statistic})`;
	else if (c?.mlDetectionConfig) rule = ` (ML model, ${c.mlDetectionConfig.confidenceLevel} confidence)`;
	else if (c?.comparisonOperator) rule = ` (normal: ${c.comparisonOperator} ${valueText(c.value)})`;
	const metric = a.behavior.metric ?? "?";
	return `${localTime(a.violationEventTime)}  ${EVENT_WORD[a.violationEventType]}  ${a.thingName}  ${a.securityProfileName}/${a.behavior.name}  ${metric} = ${valueText(a.metricValue)}${rule}  violation ${a.violationId}`;
}

/** Prints connection lines at once and a status line every `statusSeconds` on the cloud's clock. */
export class TerminalStatus {
	readonly #o: TerminalOptions;
	readonly #source: TerminalSource;
	readonly #connected = new Set<string>();
	#accepted = 0;
	#rejected = 0;
	#timer: TimerHandle | undefined;
	#stopped = false;

	constructor(source: TerminalSource, options: TerminalOptions) {
		this.#o = options;
		this.#source = source;
		source.onConnection((thing, connected, address) => this.#connection(thing, connected, address));
		source.onReply((r) => (r.body.status === "ACCEPTED" ? this.#accepted++ : this.#rejected++));
		this.#schedule();
	}

	/** The status line now, and the minute's counts start again. */
	statusLine(): string {
		const seconds = this.#o.statusSeconds ?? 60;
		const period = seconds === 60 ? "last minute" : `last ${seconds} s`;
		const line = `status ${localTime(this.#o.clock.now())}: ${this.#connected.size} connected, reports in the ${period}: ${this.#accepted} accepted, ${this.#rejected} rejected; ${this.#source.listActiveViolations().length} active violations`;
		this.#accepted = this.#rejected = 0;
		return line;
	}

	stop(): void {
		this.#stopped = true;
		this.#o.clock.clear(this.#timer);
	}

	#connection(thing: string, connected: boolean, address: string | undefined): void {
		if (connected) this.#connected.add(thing);
		else this.#connected.delete(thing);
		const from = address ? ` from ${address}` : "";
		this.#o.log(`${localTime(this.#o.clock.now())}  ${thing} ${connected ? `connected${from}` : "disconnected"} (${this.#connected.size} connected)`);
	}

	#schedule(): void {
		this.#timer = this.#o.clock.set(() => {
			if (this.#stopped) return;
			this.#o.log(this.statusLine());
			this.#schedule();
		}, (this.#o.statusSeconds ?? 60) * 1000);
	}
}
