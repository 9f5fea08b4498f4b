/*
 * activity — what the console knows about each thing beyond the store, kept in memory since start: its
 * connection state, and a ring of its last REPORT_RING reports with their replies (payload cut to
 * PAYLOAD_CAP bytes, and all rings' details together under a byte budget: report-budget.ts), plus
 * accepted/rejected counts of the last minute. Fed by the Cloud's observer hooks; things that never
 * authenticated are never seen here.
 */
import type { CloudObserver, ObservedReport } from "../cloud";
import type { MetricValue } from "../detect/metric-value";
import { ReportBudget } from "./report-budget";

export const REPORT_RING = 10;
export const PAYLOAD_CAP = 2048;

export interface ReportEntry {
	time: number;
	format: "json" | "cbor";
	size: number;
	reportId: number | null;
	status: "ACCEPTED" | "REJECTED";
	errorCode: string | null;
	errorMessage: string | null;
	metrics?: Record<string, MetricValue>;
	payload: { encoding: "utf8" | "base64"; data: string; truncated: boolean };
}

export interface Connection {
	connected: boolean;
	lastConnectTime: number | null;
	lastDisconnectTime: number | null;
	sourceIp: string | null;
}

export interface ThingActivity extends Connection {
	/** oldest first */
	reports: ReportEntry[];
	reportsAccepted: number;
	reportsRejected: number;
}

export type ActivityEvent = { kind: "report"; thingName: string; entry: ReportEntry } | { kind: "connection"; thingName: string; connected: boolean; time: number; sourceIp: string | null };

function entryOf(r: ObservedReport): ReportEntry {
	const body = r.reply.body;
	const cut = r.payload.subarray(0, PAYLOAD_CAP);
	return {
		time: r.time,
		format: r.format,
		size: r.payload.length,
		reportId: body.reportId ?? null,
		status: body.status,
		errorCode: body.statusDetails?.ErrorCode ?? null,
		errorMessage: body.statusDetails?.ErrorMessage ?? null,
		...(r.values ? { metrics: Object.fromEntries(r.values) } : {}),
		payload: { encoding: r.format === "json" ? "utf8" : "base64", data: r.format === "json" ? cut.toString("utf8") : cut.toString("base64"), truncated: r.payload.length > PAYLOAD_CAP },
	};
}

/** Accepted/rejected counts per second over the last 60 s. */
class MinuteCounts {
	readonly #seconds = new Map<number, { accepted: number; rejected: number }>();

	add(time: number, accepted: boolean): void {
		const s = Math.floor(time / 1000);
		const c = this.#seconds.get(s) ?? { accepted: 0, rejected: 0 };
		if (accepted) c.accepted++;
		else c.rejected++;
		this.#seconds.set(s, c);
		for (const k of this.#seconds.keys()) if (k <= s - 60) this.#seconds.delete(k);
	}

	lastMinute(now: number): { accepted: number; rejected: number } {
		const s = Math.floor(now / 1000);
		let accepted = 0;
		let rejected = 0;
		for (const [k, c] of this.#seconds) if (k > s - 60 && k <= s) (accepted += c.accepted), (rejected += c.rejected);
		return { accepted, rejected };
	}
}

export class Activity implements CloudObserver {
	readonly #things = new Map<string, ThingActivity>();
	readonly #minute = new MinuteCounts();
	readonly #listeners: ((e: ActivityEvent) => void)[] = [];
	readonly #budget: ReportBudget;

	constructor(detailBytes?: number) {
		this.#budget = new ReportBudget(detailBytes);
	}

	/** Bytes of report detail (payloads, values) held now. */
	get detailBytes(): number {
		return this.#budget.bytes;
	}

	connection(thing: string, connected: boolean, time: number, ip?: string): void {
		const a = this.#thing(thing);
		a.connected = connected;
		if (connected) (a.lastConnectTime = time), (a.sourceIp = ip ?? null);
		else a.lastDisconnectTime = time;
		this.#tell({ kind: "connection", thingName: thing, connected, time, sourceIp: a.sourceIp });
	}

	report(r: ObservedReport): void {
		const a = this.#thing(r.thing);
		const entry = entryOf(r);
		a.reports.push(entry);
		const gone = a.reports.length > REPORT_RING ? a.reports.shift() : undefined;
		if (gone) this.#budget.release(gone);
		this.#budget.hold(entry);
		if (entry.status === "ACCEPTED") a.reportsAccepted++;
		else a.reportsRejected++;
		this.#minute.add(r.time, entry.status === "ACCEPTED");
		this.#tell({ kind: "report", thingName: r.thing, entry });
	}

	onEvent(cb: (e: ActivityEvent) => void): void {
		this.#listeners.push(cb);
	}

	get(thing: string): ThingActivity | undefined {
		return this.#things.get(thing);
	}

	things(): IterableIterator<[string, ThingActivity]> {
		return this.#things.entries();
	}

	lastMinute(now: number): { accepted: number; rejected: number } {
		return this.#minute.lastMinute(now);
	}

	#thing(name: string): ThingActivity {
		let a = this.#things.get(name);
		if (!a) {
			a = { connected: false, lastConnectTime: null, lastDisconnectTime: null, sourceIp: null, reports: [], reportsAccepted: 0, reportsRejected: 0 };
			this.#things.set(name, a);
		}
		return a;
	}

	#tell(e: ActivityEvent): void {
		for (const cb of this.#listeners) cb(e);
	}
}
