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
