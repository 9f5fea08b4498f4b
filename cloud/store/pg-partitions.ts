/*
 * pg-partitions — several cloud processes sharing one PostgreSQL and one broker. Things are split into
 * PARTITIONS partitions (partition.ts); each process holds leases on a fair share of them (pg-leases.ts),
 * renewed every third of the lease time. Every process receives every report (each has its own Detect
 * client on the broker); it evaluates those of things in partitions it holds and keeps the others for a
 * while (held-reports.ts). When a process dies its leases expire and the survivors claim them: each loads
 * the partition's gates, behavior states and last-seen times from the database, then replays the reports
 * it held for that partition, skipping those whose report id the dead process had already committed.
 * A process that cannot renew stops evaluating before its leases can expire (0.9 of the lease time after
 * the renewal started), and its writes are fenced (pg-store.ts): it can never overwrite the new owner's state.
 */
import { performance } from "node:perf_hooks";
import type { ThingPartitions } from "../cloud";
import type { ReportGateState } from "../reports/intake";
import type { ThingSnapshot } from "./backend";
import { HELD_REPORTS_MAX, HeldReports, heldReportId } from "./held-reports";
import { fairShare, LeaseTable } from "./pg-leases";
import type { PgRuntime } from "./pg-runtime";
import { partitionOf } from "./partition";
import { describePgError } from "./pg-connect";

export interface PartitionHost {
	adoptThings(s: ThingSnapshot): void;
	releaseThings(which: (thing: string) => boolean): void;
	reportGate(thing: string): ReportGateState | undefined;
	replayReport(topic: string, payload: Buffer): void;
}

export interface ClusterOptions {
	/** this process's name among those sharing the database: [A-Za-z0-9_-]{1,40} */
	node: string;
	/** lease time (default 6 s); a dead process's things move within this plus one renewal period */
	leaseMs?: number;
}

export class PartitionManager implements ThingPartitions {
	readonly #runtime: PgRuntime;
	readonly #leases: LeaseTable;
	readonly #leaseMs: number;
	readonly #log: (s: string) => void;
	readonly #reports: HeldReports;
	readonly #held = new Set<number>();
	#host: PartitionHost | undefined;
	#validUntil = 0;
	#timer: NodeJS.Timeout | undefined;
	#ticking: Promise<void> | undefined;
	#failing = false;
	#dropped = 0;

	constructor(runtime: PgRuntime, options: ClusterOptions, log: (s: string) => void) {
		if (!/^[A-Za-z0-9_-]{1,40}$/.test(options.node)) throw new Error(`cluster node name must match [A-Za-z0-9_-]{1,40}, got "${options.node}"`);
		this.#runtime = runtime;
		this.#leaseMs = options.leaseMs ?? 6_000;
		this.#leases = new LeaseTable(runtime.history.pool, options.node, this.#leaseMs);
		this.#log = log;
		this.#reports = new HeldReports(3 * this.#leaseMs, (t) => partitionOf(t));
		runtime.history.fence = { owner: options.node };
		runtime.onLeaseLost = () => void this.tick();
	}

	/** The partitions evaluated here now. */
	get partitions(): number[] {
		return [...this.#held].sort((a, b) => a - b);
	}

	owns(thing: string): boolean {
		return this.#held.has(partitionOf(thing)) && performance.now() < this.#validUntil;
	}

	hold(thing: string, topic: string, payload: Buffer): void {
		this.#reports.hold(thing, topic, payload, performance.now());
	}

	/** Claims a first share, then renews every third of the lease time. */
	async start(host: PartitionHost): Promise<void> {
		this.#host = host;
		await this.tick();
		this.#timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.#leaseMs / 3)));
	}

	/** One renewal round (serialized). */
	tick(): Promise<void> {
		this.#ticking ??= this.#round().finally(() => (this.#ticking = undefined));
		return this.#ticking;
	}

	/** Stops renewing; commits what is queued; gives every partition back at once. */
	async stop(): Promise<void> {
		clearInterval(this.#timer);
		await this.#ticking;
		this.#held.clear();
		await this.#runtime.drained();
		await this.#leases.leave().catch((e) => this.#log(`cluster: could not release the leases (${describePgError(e, this.#runtime.history.where)}); they expire in ${this.#leaseMs} ms`));
	}

	async #round(): Promise<void> {
		const host = this.#host;
		if (!host) return;
		const started = performance.now();
		try {
			const live = await this.#leases.heartbeat();
			const renewed = await this.#leases.renew();
			this.#validUntil = started + 0.9 * this.#leaseMs;
			this.#lose(host, this.partitions.filter((p) => !renewed.includes(p)), "lease expired");
			const share = fairShare(live);
			if (renewed.length > share) await this.#give(host, renewed.slice(share));
			else if (renewed.length < share) await this.#take(host, await this.#leases.claim(share - renewed.length));
			if (this.#failing) this.#log(`cluster: lease renewal works again; holding ${this.#held.size} partition(s)`);
			this.#failing = false;
		} catch (e) {
			if (!this.#failing) this.#log(`cluster: lease renewal failed (${describePgError(e, this.#runtime.history.where)}); evaluation stops when the leases run out`);
			this.#failing = true;
		}
		this.#reports.trim(performance.now());
		if (this.#reports.dropped > this.#dropped) {
			this.#log(`cluster: more than ${HELD_REPORTS_MAX} reports of other processes' things held: ${this.#reports.dropped - this.#dropped} oldest dropped (a takeover cannot replay them)`);
			this.#dropped = this.#reports.dropped;
		}
	}

	#lose(host: PartitionHost, parts: number[], why: string): void {
		if (!parts.length) return;
		for (const p of parts) this.#held.delete(p);
		host.releaseThings((t) => parts.includes(partitionOf(t)));
		this.#log(`cluster: ${why}: partition(s) ${parts.join(",")} no longer evaluated here`);
	}

	/** Hands partitions over for balance: stop evaluating, commit, then release. */
	async #give(host: PartitionHost, parts: number[]): Promise<void> {
		this.#lose(host, parts, "rebalancing");
		await this.#runtime.drained();
		await this.#leases.release(parts);
	}

	async #take(host: PartitionHost, parts: number[]): Promise<void> {
		if (!parts.length) return;
		const snapshot = await this.#runtime.history.loadThings(parts);
		host.adoptThings(snapshot);
		for (const p of parts) this.#held.add(p);
		let replayed = 0;
		let skipped = 0;
		for (const r of this.#reports.take(parts)) {
			const id = heldReportId(r);
			const last = host.reportGate(r.thing)?.lastReportId;
			if (id !== undefined && last !== undefined && id <= last) skipped++;
			else (host.replayReport(r.topic, r.payload), replayed++);
		}
		this.#log(`cluster: took partition(s) ${parts.join(",")}: ${snapshot.gates.size} thing(s) loaded, ${replayed} held report(s) replayed, ${skipped} already committed`);
	}
}
