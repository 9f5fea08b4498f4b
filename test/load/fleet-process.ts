/*
 * fleet-process — starts fleet-child.ts in its own Node process (tsx) and talks to it over IPC, so a load
 * test's devices do not share the cloud's event loop. kill() ends that child (by its handle) if it is still there.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FleetSetup, RoundResult } from "./fleet";

export interface FleetRound extends RoundResult {
	/** replies the devices got with no report outstanding, so far */
	stray: number;
}

export interface FleetProcess {
	connect(setup: FleetSetup): Promise<number>;
	round(rid: number, limitMs: number, until?: "reply" | "puback"): Promise<FleetRound>;
	close(): Promise<void>;
	kill(): void;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export function startFleetProcess(): FleetProcess {
	const child: ChildProcess = fork(fileURLToPath(new URL("./fleet-child.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
	const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	let next = 1;
	child.on("message", (m: Reply) => {
		const w = waiting.get(m.id);
		waiting.delete(m.id);
		if (m.ok) w?.resolve(m.value);
		else w?.reject(new Error(`fleet: ${m.error}`));
	});
	child.on("exit", (code) => {
		for (const w of waiting.values()) w.reject(new Error(`fleet process exited with ${code}`));
		waiting.clear();
	});
	const call = (request: object): Promise<unknown> =>
		new Promise((resolve, reject) => {
			const id = next++;
			waiting.set(id, { resolve, reject });
			child.send({ id, ...request });
		});
	return {
		connect: async (setup) => (await call({ op: "connect", setup })) as number,
		round: async (rid, limitMs, until = "reply") => (await call({ op: "round", rid, limitMs, until })) as FleetRound,
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((r) => child.once("exit", r));
			await call({ op: "close" });
			await exited;
		},
		kill: () => {
			if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
		},
	};
}
