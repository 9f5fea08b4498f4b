/*
 * steps — work done in steps (the window close over a big fleet, ML model upkeep): a generator yields after
 * each bounded piece of work. A step yields nothing (the driver may run the next step at once, or let the
 * event loop run first), or a promise (the step waits on I/O, e.g. a page of history from PostgreSQL): the
 * driver awaits it before the next step. cloud.ts drives the minute tick that way; `drain` runs steps in one
 * go where nothing may wait.
 */

export type Step = Promise<void> | void;

/** Waits (as a step) for `p`; its value, or its error thrown inside the generator. */
export function* awaitStep<T>(p: Promise<T>): Generator<Step, T> {
	let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
	yield p.then(
		(value) => void (result = { ok: true, value }),
		(error: unknown) => void (result = { ok: false, error }),
	);
	if (!result) throw new Error("a step waiting on I/O was resumed before its promise settled");
	if (!result.ok) throw result.error;
	return result.value;
}

/** Runs every step now; a step that must wait on I/O is an error naming `what` (use the sliced driver). */
export function drain<T>(steps: Generator<Step, T>, what: string): T {
	for (;;) {
		const r = steps.next();
		if (r.done) return r.value;
		if (r.value) throw new Error(`${what} waits on the store (PostgreSQL): run it in steps (the cloud's minute tick does)`);
	}
}

export interface SliceOptions {
	/** the longest a slice runs steps (ms) */
	sliceMs: number;
	/** checked before each step: false ends the slice early (e.g. once it has produced a write's worth) */
	more?: () => boolean;
	/** after each slice; `done` once the last step has run */
	after?: (done: boolean) => void;
	/** true: no slice after the current one */
	stopped: () => boolean;
}

/**
 * Runs `steps` in slices: the first now, the others on later event-loop turns; between two slices it waits
 * for the promise a step handed over (I/O), else for setImmediate. Undefined when the first slice ran every
 * step; else a promise settled once the steps are done or stopped (rejected if a step throws).
 */
export function runSliced(steps: Generator<Step, unknown>, o: SliceOptions): Promise<void> | undefined {
	const slice = (): { done: boolean; wait: Promise<void> | void } => {
		const until = performance.now() + o.sliceMs;
		let done = false;
		let wait: Promise<void> | void = undefined;
		while (!done && !wait && performance.now() < until && (o.more?.() ?? true)) {
			const r = steps.next();
			if (r.done) done = true;
			else wait = r.value;
		}
		o.after?.(done);
		return { done, wait };
	};
	let s = slice();
	if (s.done) return undefined;
	return (async () => {
		while (!s.done) {
			await (s.wait ? s.wait.catch(() => undefined) : new Promise<void>((r) => setImmediate(r)));
			if (o.stopped()) return;
			s = slice();
		}
	})();
}
