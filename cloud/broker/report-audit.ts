/*
 * report-audit — are all reports a broker accepted evaluated by Detect? Per thing it counts the reports the
 * broker delivered to Detect and those Detect evaluated (an outcome: accepted, rejected or duplicate), and a
 * failed evaluation is logged loudly at once. A broker-side count (reports the broker received from the
 * thing on its report topics) plugs in through `brokerCount`: stock mosquitto 2.0 has none per thing
 * ($SYS is broker-wide); the mosquitto plugin counts one per thing (plugin-metrics.ts feeds it here). A broker count still above the
 * evaluated count `graceMs` after it was observed is a loss: one loud log line and the `missing` metric.
 */

export interface ThingReportCounts {
	thing: string;
	/** reports the broker said it received from the thing (undefined until a broker-side source reports) */
	broker?: number;
	/** reports delivered to Detect by the broker */
	delivered: number;
	/** reports Detect evaluated */
	evaluated: number;
	/** evaluations that threw */
	failed: number;
	/** reports the broker received that Detect did not evaluate in time (broker − evaluated, ≥ 0) */
	missing: number;
}

export interface ReportTotals {
	delivered: number;
	evaluated: number;
	failed: number;
	missing: number;
}

interface Row extends ThingReportCounts {
	/** the broker count and when it was observed, waiting for Detect to catch up */
	pending?: { count: number; at: number };
}

export class ReportAudit {
	readonly #rows = new Map<string, Row>();
	readonly #log: (s: string) => void;
	readonly #now: () => number;
	readonly #graceMs: number;

	constructor(log: (s: string) => void, now: () => number = Date.now, graceMs = 30_000) {
		this.#log = log;
		this.#now = now;
		this.#graceMs = graceMs;
	}

	#row(thing: string): Row {
		let r = this.#rows.get(thing);
		if (!r) this.#rows.set(thing, (r = { thing, delivered: 0, evaluated: 0, failed: 0, missing: 0 }));
		return r;
	}

	/** One report reaches Detect: `evaluate` runs it; a throw is counted and logged, never swallowed silently. */
	deliver(thing: string, evaluate: () => void): void {
		const r = this.#row(thing);
		r.delivered++;
		try {
			evaluate();
			r.evaluated++;
		} catch (e) {
			r.failed++;
			this.#log(`REPORT LOST: ${thing}: Detect could not evaluate a delivered report: ${(e as Error).message}`);
		}
	}

	/** A broker-side count of reports received from `thing` (monotonic since the broker started). */
	brokerCount(thing: string, count: number): void {
		const r = this.#row(thing);
		r.broker = count;
		if (count > r.evaluated + r.missing && !r.pending) r.pending = { count, at: this.#now() };
		this.check();
	}

	/** Settles broker counts older than the grace period; logs each new loss once. Returns the new losses. */
	check(): ThingReportCounts[] {
		const now = this.#now();
		const lost: ThingReportCounts[] = [];
		for (const r of this.#rows.values()) {
			const p = r.pending;
			if (!p || now - p.at < this.#graceMs) continue;
			r.pending = r.broker !== undefined && r.broker > p.count ? { count: r.broker, at: now } : undefined;
			const missing = Math.max(0, p.count - r.evaluated);
			if (missing <= r.missing) continue;
			this.#log(`REPORTS LOST: ${r.thing}: the broker received ${p.count} reports, Detect evaluated ${r.evaluated} (${missing - r.missing} more missing, ${missing} in all)`);
			r.missing = missing;
			lost.push(this.#copy(r));
		}
		return lost;
	}

	#copy(r: Row): ThingReportCounts {
		const { pending: _pending, ...counts } = r;
		return { ...counts };
	}

	counts(thing: string): ThingReportCounts {
		return this.#copy(this.#rows.get(thing) ?? { thing, delivered: 0, evaluated: 0, failed: 0, missing: 0 });
	}

	all(): ThingReportCounts[] {
		return [...this.#rows.values()].map((r) => this.#copy(r));
	}

	totals(): ReportTotals {
		const t: ReportTotals = { delivered: 0, evaluated: 0, failed: 0, missing: 0 };
		for (const r of this.#rows.values()) {
			t.delivered += r.delivered;
			t.evaluated += r.evaluated;
			t.failed += r.failed;
			t.missing += r.missing;
		}
		return t;
	}
}
