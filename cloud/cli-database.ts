/*
 * cli-database — `start --database postgres://… [--node NAME]` and `mosquitto-conf --detect-node NAME`:
 * checked before anything is opened (a bad URL or node name is a usage error, exit code 2).
 */
import { option, UsageError, type Args } from "./cli-args";
import { checkDatabaseUrl } from "./store/pg-connect";
import type { ClusterOptions } from "./store/pg-partitions";

const NODE = /^[A-Za-z0-9_-]{1,40}$/;

export function databaseOptions(a: Args, broker: unknown): { database?: string; cluster?: ClusterOptions } {
	const database = option(a, "database");
	const node = option(a, "node");
	if (database !== undefined) {
		try {
			checkDatabaseUrl(database);
		} catch (e) {
			throw new UsageError((e as Error).message);
		}
	}
	if (node === undefined) return { database };
	if (!NODE.test(node)) throw new UsageError(`--node must match [A-Za-z0-9_-]{1,40}, got "${node}"`);
	if (database === undefined || broker === undefined) throw new UsageError("--node (several cloud processes) needs --database postgres://… and --broker mqtts://…");
	return { database, cluster: { node } };
}

export function detectNodesOption(a: Args): string[] {
	const nodes = a.options.get("detect-node") ?? [];
	for (const n of nodes) if (!NODE.test(n)) throw new UsageError(`--detect-node must match [A-Za-z0-9_-]{1,40}, got "${n}"`);
	return nodes;
}
