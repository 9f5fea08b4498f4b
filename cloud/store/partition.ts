/*
 * partition — which partition a thing belongs to when several cloud processes share one database:
 * FNV-1a (32 bit) of the thing name's UTF-8 bytes, modulo PARTITIONS. The number is stored beside each
 * thing's rows (so a process taking a partition over loads just its rows) and is part of the schema:
 * changing PARTITIONS needs a migration that renumbers the rows and the lease table.
 */
export const PARTITIONS = 64;

export function partitionOf(thing: string, count = PARTITIONS): number {
	let h = 0x811c9dc5;
	for (const byte of Buffer.from(thing, "utf8")) {
		h ^= byte;
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h % count;
}
