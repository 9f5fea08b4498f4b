/*
 * fleet-child — the process a load test's devices run in (see fleet-process.ts): answers the parent's
 * IPC requests { id, op: "connect" | "round" | "close", ... } with { id, ok, value | error }.
 */
import { Fleet, type FleetSetup } from "./fleet";

type Request =
	| { id: number; op: "connect"; setup: FleetSetup }
	| { id: number; op: "round"; rid: number; limitMs: number; until: "reply" | "puback" }
	| { id: number; op: "close" };

const fleet = new Fleet();

async function handle(m: Request): Promise<unknown> {
	if (m.op === "connect") return fleet.connect(m.setup);
	if (m.op === "round") return { ...(await fleet.round(m.rid, m.limitMs, m.until)), stray: fleet.strayReplies };
	await fleet.close();
	return 0;
}

process.on("message", (m: Request) => {
	handle(m).then(
		(value) => process.send?.({ id: m.id, ok: true, value }, () => (m.op === "close" ? process.exit(0) : undefined)),
		(e: Error) => process.send?.({ id: m.id, ok: false, error: e.message }),
	);
});
process.on("disconnect", () => process.exit(0));
