/*
 * things-data — GET /things, normalized to the fleet's rows.
 */
import type { ThingRow } from "../types";

type Get = <T>(path: string) => Promise<T>;

export async function loadThings(get: Get): Promise<ThingRow[]> {
	const res = await get<{ things: ThingRow[] }>("/things");
	return res.things.map((t) => ({ ...t, groups: t.groups ?? [], activeViolations: t.activeViolations ?? 0 }));
}
