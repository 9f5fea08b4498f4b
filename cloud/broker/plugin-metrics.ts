/*
 * plugin-metrics — Detect's side of the mosquitto plugin: the counters the plugin publishes every interval
 * on `$defender/metrics/batch` (a JSON array of per-thing deltas) become the BrokerHooks calls the
 * embedded broker makes per event, so the cloud-side metrics are evaluated the same way.
 * Message sizes arrive as count, sum, smallest and largest: the per-message size behaviors see the
 * smallest and the largest message and the windowed sum is exact; the order within one interval is lost.
 * `reports` (accepted PUBLISHes on the thing's own report topics) add up to the broker-side report count
 * handed to the ReportAudit (report-audit.ts), which compares it with what Detect evaluated.
 */
import type { BrokerHooks } from "./server";
import { PLUGIN_METRICS_TOPIC, PLUGIN_TOPIC_PREFIX } from "./plugin";
import { checkThingName } from "../thing-name";
import type { ReportAudit } from "./report-audit";

export interface PluginCounters {
	thing: string;
	sent: number;
	bytes: number;
	minSize: number;
	maxSize: number;
	received: number;
	authorizationFailures: number;
	connectionAttempts: number;
	connects: number;
	disconnects: number;
	/** accepted PUBLISHes on the thing's report topics ($aws/things/<thing>/defender/metrics/json|cbor) */
	reports: number;
	online: boolean;
	ip: string;
}

const COUNTS = ["sent", "bytes", "minSize", "maxSize", "received", "authorizationFailures", "connectionAttempts", "connects", "disconnects", "reports"] as const;
/** Checks one thing's counters; throws with the reason when they are not what the plugin writes. */
export function checkPluginCounters(v: unknown): PluginCounters {
	if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("plugin counters must be an object");
	const o = v as Record<string, unknown>;
	const problem = checkThingName(o.thing);
	if (problem) throw new Error(`plugin counters: ${problem}`);
	const where = `plugin counters of ${String(o.thing)}`;
	for (const k of COUNTS) if (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0) throw new Error(`${where}: ${k} must be a non-negative integer`);
	if (typeof o.online !== "boolean" || typeof o.ip !== "string") throw new Error(`${where}: online/ip missing`);
	const c = o as unknown as PluginCounters;
	if (c.reports > c.sent) throw new Error(`${where}: more reports than messages`);
	if (c.sent > 0 && (c.minSize > c.maxSize || c.bytes < c.minSize + (c.sent > 1 ? c.maxSize : 0))) throw new Error(`${where}: sizes do not add up`);
	return c;
}

/** Parses one plugin message: the valid counters, and why each invalid entry was left out. */
export function parsePluginBatch(topic: string, payload: Buffer): { counters: PluginCounters[]; problems: string[] } {
	if (topic !== PLUGIN_METRICS_TOPIC) return { counters: [], problems: [`not the plugin metrics topic: ${topic}`] };
	let v: unknown;
	try {
		v = JSON.parse(payload.toString("utf8"));
	} catch (e) {
		return { counters: [], problems: [`plugin metrics are not JSON: ${(e as Error).message}`] };
	}
	if (!Array.isArray(v)) return { counters: [], problems: ["plugin metrics must be a JSON array"] };
	const counters: PluginCounters[] = [];
	const problems: string[] = [];
	for (const entry of v) {
		try {
			counters.push(checkPluginCounters(entry));
		} catch (e) {
			problems.push((e as Error).message);
		}
	}
	return { counters, problems };
}

/** The sizes of `c.sent` messages: the smallest, the largest and the rest of the sum spread evenly. */
export function* messageSizes(c: Pick<PluginCounters, "sent" | "bytes" | "minSize" | "maxSize">): Generator<number> {
	if (c.sent === 0) return;
	if (c.sent === 1) return yield c.bytes;
	yield c.minSize;
	yield c.maxSize;
	const rest = c.sent - 2;
	const left = c.bytes - c.minSize - c.maxSize;
	for (let i = 0; i < rest; i++) yield Math.floor(left / rest) + (i < left % rest ? 1 : 0);
}

export class PluginMetrics {
	readonly #hooks: BrokerHooks;
	readonly #log: (s: string) => void;
	readonly #online = new Set<string>();
	readonly #audit: ReportAudit | undefined;
	/** per thing, the reports the plugin counted since this consumer started */
	readonly #reports = new Map<string, number>();
	#zeros = Buffer.alloc(0);

	constructor(hooks: BrokerHooks, log: (s: string) => void, audit?: ReportAudit) {
		this.#hooks = hooks;
		this.#log = log;
		this.#audit = audit;
	}

	/** The broker-side report count of `thing` (the sum of the plugin's deltas so far). */
	brokerReports(thing: string): number {
		return this.#reports.get(thing) ?? 0;
	}

	static isPluginTopic(topic: string): boolean {
		return topic.startsWith(PLUGIN_TOPIC_PREFIX);
	}

	/** Things the plugin last reported connected. */
	connectedThings(): string[] {
		return [...this.#online];
	}

	handle(topic: string, payload: Buffer): void {
		const { counters, problems } = parsePluginBatch(topic, payload);
		for (const p of problems) this.#log(`plugin: ${p} (left out)`);
		for (const c of counters) this.#apply(c);
	}

	#apply(c: PluginCounters): void {
		const h = this.#hooks;
		for (let i = 0; i < c.connectionAttempts; i++) h.connectAttempt(c.thing);
		for (let i = 0; i < c.authorizationFailures; i++) h.authorizationFailure(c.thing, `${c.thing}: request refused by the mosquitto plugin (the broker log says which)`);
		for (const size of messageSizes(c)) h.fromDevice(c.thing, "", this.#payload(size));
		for (let i = 0; i < c.received; i++) h.toDevice(c.thing);
		this.#connections(c);
		if (c.reports > 0) {
			const total = this.brokerReports(c.thing) + c.reports;
			this.#reports.set(c.thing, total);
			this.#audit?.brokerCount(c.thing, total);
		}
	}

	/** Connects and disconnects in an order that ends in the state the plugin reported. */
	#connections(c: PluginCounters): void {
		const connect = (): void => this.#hooks.connected(c.thing, c.ip);
		const disconnect = (): void => this.#hooks.disconnected(c.thing);
		const [first, second, n1, n2] = c.online ? [disconnect, connect, c.disconnects, c.connects] : [connect, disconnect, c.connects, c.disconnects];
		for (let i = 0; i < n1; i++) first();
		for (let i = 0; i < n2; i++) second();
		if (c.online) this.#online.add(c.thing);
		else this.#online.delete(c.thing);
	}

	#payload(size: number): Buffer {
		if (this.#zeros.length < size) this.#zeros = Buffer.alloc(Math.max(size, this.#zeros.length * 2));
		return this.#zeros.subarray(0, size);
	}
}
