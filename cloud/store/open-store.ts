/*
 * open-store — the stores startCloud composes. Default: the SQLite file in the data dir holds everything.
 * With `database` (postgres://…): Detect's state and history live in PostgreSQL (PgRuntime, written behind),
 * loaded asynchronously here; the API's own tables (things, certificates, keys, tags, SNS) and the alert
 * outbox stay in the process's SQLite file. With `cluster` as well, no thing is loaded here: the partition
 * manager loads each partition's things when it takes the partition's lease (pg-partitions.ts).
 */
import type { RegistryRemovals } from "../detect/registry";
import { RegistryRemovalStore } from "../api/store-registry";
import { CloudStore } from "../store";
import type { RegistrySnapshot, ThingSnapshot } from "./backend";
import { PartitionManager, type ClusterOptions } from "./pg-partitions";
import { PgRuntime } from "./pg-runtime";
import { openPgStore, type PgStore } from "./pg-store";
import type { RuntimeStore } from "./runtime";

export interface OpenedStores {
	/** the process's SQLite store: API tables and outbox (and all of Detect without `database`) */
	local: CloudStore;
	runtime: RuntimeStore;
	removals: RegistryRemovals;
	registry: RegistrySnapshot;
	things: ThingSnapshot;
	partitions?: PartitionManager;
	/** the PostgreSQL store (with `database`) */
	pg?: PgStore;
}

export interface StoreOptions {
	dataDir?: string;
	database?: string;
	cluster?: ClusterOptions;
}

export async function openStores(o: StoreOptions, log: (s: string) => void): Promise<OpenedStores> {
	if (o.cluster && !o.database) throw new Error("cluster: several cloud processes share state through a PostgreSQL database: give `database` (--database postgres://…) too");
	const local = new CloudStore(o.dataDir ?? ":memory:");
	if (!o.database) {
		const things: ThingSnapshot = { gates: new Map(), states: local.loadStates(), seen: local.loadSeen() };
		return { local, runtime: local, removals: new RegistryRemovalStore(local.database), registry: local.loadRegistry(), things };
	}
	try {
		const pg = await openPgStore(o.database);
		const registry = await pg.loadRegistry();
		const things: ThingSnapshot = o.cluster ? { gates: new Map(), states: [], seen: [] } : await pg.loadThings();
		const runtime = new PgRuntime(pg, local, things.gates, log);
		const partitions = o.cluster ? new PartitionManager(runtime, o.cluster, log) : undefined;
		log(`store: PostgreSQL ${pg.where}${o.cluster ? `, cluster node ${o.cluster.node}` : ""}`);
		return { local, runtime, removals: runtime.removals, registry, things, partitions, pg };
	} catch (e) {
		local.close();
		throw e;
	}
}
