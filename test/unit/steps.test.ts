/*
 * steps — work in steps (cloud/detect/steps.ts): a step waiting on I/O hands over a promise; runSliced runs
 * a first slice at once and the rest on later turns, waiting for such promises; drain refuses them.
 */
import { describe, expect, it } from "vitest";
import { awaitStep, drain, runSliced, type Step } from "../../cloud/detect/steps";

describe("steps", () => {
	it("awaitStep hands the value of a settled promise back into the generator, or throws its error there", async () => {
		function* read(p: Promise<number>): Generator<Step, string> {
			try {
				return `got ${yield* awaitStep(p)}`;
			} catch (e) {
				return `failed: ${(e as Error).message}`;
			}
		}
		for (const [p, expected] of [
			[Promise.resolve(7), "got 7"],
			[Promise.reject(new Error("down")), "failed: down"],
		] as const) {
			const g = read(p);
			const wait = g.next().value;
			expect(wait).toBeInstanceOf(Promise);
			await wait;
			expect(g.next()).toEqual({ done: true, value: expected });
		}
	});

	it("drain runs steps that do not wait, and refuses one that waits on the store", () => {
		function* sync(): Generator<Step, number> {
			yield;
			yield;
			return 3;
		}
		expect(drain(sync(), "counting")).toBe(3);
		function* waits(): Generator<Step, number> {
			return yield* awaitStep(Promise.resolve(1));
		}
		expect(() => drain(waits(), "ML model upkeep")).toThrow("ML model upkeep waits on the store (PostgreSQL): run it in steps");
	});

	it("runSliced: the first slice now, a slice ends early when `more` says so, waits for a step's promise, stops when told", async () => {
		const log: string[] = [];
		let release: () => void = () => undefined;
		const io = new Promise<void>((r) => (release = r));
		function* work(): Generator<Step> {
			log.push("a");
			yield;
			log.push("b");
			yield io;
			log.push("c");
			yield;
			log.push("d");
		}
		let budget = 1;
		const rest = runSliced(work(), { sliceMs: 1_000, more: () => budget-- > 0, after: (done) => log.push(done ? "done" : "|"), stopped: () => false });
		// one step in the first slice (`more` allowed one), synchronously
		expect(log).toEqual(["a", "|"]);
		expect(rest).toBeInstanceOf(Promise);
		budget = 10;
		await new Promise((r) => setImmediate(r));
		// the second slice ended at the step waiting on I/O
		expect(log).toEqual(["a", "|", "b", "|"]);
		await new Promise((r) => setTimeout(r, 20));
		expect(log).toEqual(["a", "|", "b", "|"]);
		release();
		await rest;
		expect(log).toEqual(["a", "|", "b", "|", "c", "d", "done"]);

		// done in the first slice: nothing left to wait for
		function* short(): Generator<Step> {
			yield;
		}
		expect(runSliced(short(), { sliceMs: 1_000, stopped: () => false })).toBeUndefined();

		// stopped: no slice after the current one
		const seen: string[] = [];
		function* long(): Generator<Step> {
			for (let i = 0; i < 5; i++) {
				seen.push(String(i));
				yield;
			}
		}
		let stop = false;
		const stopped = runSliced(long(), { sliceMs: 1_000, more: () => seen.length < 2 || stop, after: () => (stop = true), stopped: () => stop });
		await stopped;
		expect(seen).toEqual(["0", "1"]);
	});
});
